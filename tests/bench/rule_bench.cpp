// The rule engine (server/rules/rule_engine) with the district's own rules:
//   - on_reading: one non-alerting gas reading, the work every accepted reading costs, for the
//     sample district and for the scaled one (it should not grow with the device count);
//   - on_tick: the once-a-second pass over every device × bound rule (absence, stuck, `for`,
//     windows), the known O(devices × rules) weak spot; items/s = devices scanned per second.
//   - save_pending / load_pending: the pending durations written every 5 s (on the loop) and
//     read back at start, for a district whose devices report once a minute: device i last
//     reported i mod 60 s before the save, so about half the gas detectors' absence periods
//     (5 min: saved after 30 s) and more of the cameras' (2 min: after 12 s) are written, with
//     the tags near a beacon; the "records" and "bytes" counters say how much.
// Every device has sent its telemetry once before timing starts, so all are known and active;
// the clock moves 1 ms per tick so no absence or stuck period runs out during the run and the
// figure is the steady-state pass with nothing firing (checked: the "events" counter stays 0).
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <stdexcept>

#include "core/clock.hpp"
#include "ingest/pipeline.hpp"
#include "rules/rule_engine.hpp"
#include "tests/bench/benchmarks.hpp"

namespace campus::bench {

namespace {

struct engine_under_test {
  core::manual_clock clock;
  std::unique_ptr<rules::rule_engine> engine;
  std::size_t devices = 0;

  engine_under_test(const bench_district& d, const config::district& district) : clock(d.now()) {
    engine = std::make_unique<rules::rule_engine>(district.rules, ingest::device_profiles(district),
                                                  clock);
    devices = district.devices.size();
    const bool scaled = &district == &d.scaled();
    for (std::size_t i = 0; i < devices; ++i) {
      // The sample district's devices are the first of the scaled one: same readings.
      for (const auto& r : d.readings_of(i)) engine->on_reading(r);
      if (!scaled && i + 1 >= d.sample().devices.size()) break;
    }
  }
};

// The scaled district with every device reporting once a minute (see the top of the file).
struct reporting_engine {
  core::manual_clock clock;
  std::unique_ptr<rules::rule_engine> engine;
  std::size_t devices = 0;

  explicit reporting_engine(const bench_district& d) : clock(d.now()) {
    const auto& district = d.scaled();
    engine = std::make_unique<rules::rule_engine>(district.rules, ingest::device_profiles(district),
                                                  clock);
    devices = district.devices.size();
    for (std::size_t i = 0; i < devices; ++i) {
      clock.set(d.now() + std::chrono::seconds(static_cast<long>(i % 60)));
      for (const auto& r : d.readings_of(i)) engine->on_reading(r);
    }
    clock.set(d.now() + std::chrono::seconds(60));
  }
};

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

void register_pending_state(std::shared_ptr<reporting_engine> e) {
  benchmark::RegisterBenchmark(
      fmt::format("rules/save_pending/{}_devices", e->devices).c_str(),
      [e](benchmark::State& st) {
        std::string text;
        for (auto _ : st) {
          text = e->engine->save_pending();
          benchmark::DoNotOptimize(text);
        }
        st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(e->devices));
        st.counters["devices"] = static_cast<double>(e->devices);
        st.counters["records"] = static_cast<double>(lines(text) - 1);
        st.counters["bytes"] = static_cast<double>(text.size());
      })
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(
      fmt::format("rules/load_pending/{}_devices", e->devices).c_str(),
      [e](benchmark::State& st) {
        const std::string text = e->engine->save_pending();
        std::size_t taken = 0;
        for (auto _ : st) {
          auto loaded = e->engine->load_pending(text);  // the same records again: overwritten
          if (!loaded) {
            st.SkipWithError(loaded.error().c_str());
            return;
          }
          taken = loaded->taken;
        }
        st.counters["records"] = static_cast<double>(lines(text) - 1);
        st.counters["taken"] = static_cast<double>(taken);
      })
      ->Unit(benchmark::kMillisecond);
}

// The gas detector's lel_pct reading from the simulator's payload: well under the yellow level.
core::reading quiet_gas_reading(const bench_district& d) {
  for (const auto& r : d.payload("gas_detector").readings) {
    if (r.metric == "lel_pct") return r;
  }
  throw std::runtime_error("the gas detector payload has no lel_pct");
}

void register_on_reading(const std::string& name, std::shared_ptr<engine_under_test> e,
                         core::reading r) {
  benchmark::RegisterBenchmark(name.c_str(), [e, r](benchmark::State& st) {
    std::int64_t events = 0;
    for (auto _ : st) {
      auto out = e->engine->on_reading(r);
      events += static_cast<std::int64_t>(out.size());
      benchmark::DoNotOptimize(out);
    }
    st.SetItemsProcessed(st.iterations());
    st.counters["events"] = static_cast<double>(events);
    if (events != 0) st.SkipWithError("the quiet reading raised an alert: not the case measured");
  });
}

void register_on_tick(const std::string& name, std::shared_ptr<engine_under_test> e) {
  benchmark::RegisterBenchmark(name.c_str(), [e](benchmark::State& st) {
    std::int64_t events = 0;
    for (auto _ : st) {
      e->clock.advance(core::duration{1});
      auto out = e->engine->on_tick();
      events += static_cast<std::int64_t>(out.size());
      benchmark::DoNotOptimize(out);
    }
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(e->devices));
    st.counters["devices"] = static_cast<double>(e->devices);
    st.counters["events"] = static_cast<double>(events);
  })->Unit(benchmark::kMicrosecond);
}

}  // namespace

void register_rule_benchmarks(const bench_district& d) {
  auto sample = std::make_shared<engine_under_test>(d, d.sample());
  auto scaled = std::make_shared<engine_under_test>(d, d.scaled());
  const core::reading quiet = quiet_gas_reading(d);
  for (const auto& e : {sample, scaled}) {
    register_on_reading(fmt::format("rules/on_reading/{}_devices", e->devices), e, quiet);
  }
  for (const auto& e : {sample, scaled}) {
    register_on_tick(fmt::format("rules/on_tick/{}_devices", e->devices), e);
  }
  register_pending_state(std::make_shared<reporting_engine>(d));
}

}  // namespace campus::bench
