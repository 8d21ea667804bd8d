// Each adapter family parsing the payload the simulator publishes for it: the per-message cost
// of step 3 in docs/architecture.md (JSON parse, field checks, readings built).
#include <benchmark/benchmark.h>

#include "tests/bench/benchmarks.hpp"

namespace campus::bench {

void register_adapter_benchmarks(const bench_district& d) {
  for (const auto& p : d.payloads()) {
    benchmark::RegisterBenchmark(("adapter/" + p.name).c_str(), [&p, &d](benchmark::State& st) {
      const adapters::context ctx{p.device->site, p.device->zone, p.device->id, p.stream, d.now()};
      for (auto _ : st) {
        auto readings = p.adapter->parse(p.payload, ctx);
        benchmark::DoNotOptimize(readings);
      }
      st.SetItemsProcessed(st.iterations());
      st.SetBytesProcessed(st.iterations() * static_cast<std::int64_t>(p.payload.size()));
      st.SetLabel(std::to_string(p.payload.size()) + " B, " + std::to_string(p.readings.size()) +
                  " readings");
    });
  }
}

}  // namespace campus::bench
