// Readings → InfluxDB line protocol, as the InfluxDB history writer does it
// (reading_point + encode_line into a reused buffer, precision ms): one point, and one
// 5000-point batch (the default influxdb.batch_size) of the scaled district's readings in the
// order they would arrive, and that batch's encode_line alone. bytes/s is line protocol produced.
#include <benchmark/benchmark.h>

#include "history/influx/line_protocol.hpp"
#include "tests/bench/benchmarks.hpp"

namespace campus::bench {

namespace {

constexpr std::size_t batch_points = 5000;

std::vector<core::reading> batch_of(const bench_district& d) {
  std::vector<core::reading> out;
  out.reserve(batch_points);
  for (std::size_t i = 0; out.size() < batch_points; i = (i + 1) % d.scaled().devices.size()) {
    for (auto& r : d.readings_of(i)) {
      if (out.size() < batch_points) out.push_back(std::move(r));
    }
  }
  return out;
}

void encode(benchmark::State& st, const std::vector<core::reading>& readings) {
  std::string body;
  std::int64_t bytes = 0;
  for (auto _ : st) {
    body.clear();
    for (const auto& r : readings) {
      auto ok = history::encode_line(history::reading_point(r), history::precision::ms, body);
      benchmark::DoNotOptimize(ok);
    }
    bytes += static_cast<std::int64_t>(body.size());
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(readings.size()));
  st.SetBytesProcessed(bytes);
  st.counters["points"] = static_cast<double>(readings.size());
}

// encode_line alone, on points made beforehand: what the text costs without reading_point's
// copies (tells the two halves of the writer's per-reading cost apart).
void encode_points(benchmark::State& st, const std::vector<history::point>& points) {
  std::string body;
  std::int64_t bytes = 0;
  for (auto _ : st) {
    body.clear();
    for (const auto& p : points) {
      auto ok = history::encode_line(p, history::precision::ms, body);
      benchmark::DoNotOptimize(ok);
    }
    bytes += static_cast<std::int64_t>(body.size());
  }
  st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(points.size()));
  st.SetBytesProcessed(bytes);
  st.counters["points"] = static_cast<double>(points.size());
}

}  // namespace

void register_line_protocol_benchmarks(const bench_district& d) {
  const auto& gas = d.payload("gas_detector").readings;
  std::vector<core::reading> one;
  for (const auto& r : gas) {
    if (r.metric == "lel_pct") one.push_back(r);
  }
  benchmark::RegisterBenchmark("line_protocol/one_point",
                               [one](benchmark::State& st) { encode(st, one); });
  const auto batch = batch_of(d);
  benchmark::RegisterBenchmark("line_protocol/batch_5000",
                               [batch](benchmark::State& st) { encode(st, batch); })
      ->Unit(benchmark::kMicrosecond);
  std::vector<history::point> points;
  points.reserve(batch.size());
  for (const auto& r : batch) points.push_back(history::reading_point(r));
  benchmark::RegisterBenchmark("line_protocol/batch_5000_encode_only",
                               [points](benchmark::State& st) { encode_points(st, points); })
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace campus::bench
