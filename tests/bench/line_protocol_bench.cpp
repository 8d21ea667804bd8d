// Readings → InfluxDB line protocol, as the InfluxDB history writer does it
// (reading_point + encode_line into a reused buffer, precision ms): one point, and one
// 5000-point batch (the default influxdb.batch_size) of the scaled district's readings in the
// order they would arrive. bytes/s is line protocol produced.
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

}  // namespace

void register_line_protocol_benchmarks(const bench_district& d) {
  const auto& gas = d.payload("gas_detector").readings;
  std::vector<core::reading> one;
  for (const auto& r : gas) {
    if (r.metric == "lel_pct") one.push_back(r);
  }
  benchmark::RegisterBenchmark("line_protocol/one_point",
                               [one](benchmark::State& st) { encode(st, one); });
  benchmark::RegisterBenchmark("line_protocol/batch_5000",
                               [batch = batch_of(d)](benchmark::State& st) { encode(st, batch); })
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace campus::bench
