// campus_microbench: the micro-benchmarks of issue 7 (docs/benchmarks.md, "Micro-benchmarks").
//
//   campus_microbench [--campus_devices=N] [--campus_district=FILE] [Google Benchmark flags]
//
// N (default 10000) is the size of the scaled district used by the tick, the snapshot and the
// 5000-point batch; the test suite runs it tiny (N = 200, --benchmark_min_time=0.001) only to
// prove every case runs. Figures come from a Release build (see docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/bench/benchmarks.hpp"

namespace {

struct own_flags {
  std::size_t devices = 10000;
  std::string district = CAMPUS_SOURCE_DIR "/config/district.yaml";
};

// Takes our flags out of argv so Google Benchmark sees only its own.
bool take_own_flags(int& argc, char** argv, own_flags& f) {
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.starts_with("--campus_devices=")) {
      const long n = std::strtol(argv[i] + a.find('=') + 1, nullptr, 10);
      if (n < 1) {
        std::cerr << "campus_microbench: --campus_devices must be a positive number\n";
        return false;
      }
      f.devices = static_cast<std::size_t>(n);
    } else if (a.starts_with("--campus_district=")) {
      f.district = std::string(a.substr(a.find('=') + 1));
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  own_flags flags;
  if (!take_own_flags(argc, argv, flags)) return 2;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  try {
    // Lives until the end of main: every registered case refers to it.
    const campus::bench::bench_district district(flags.district, flags.devices);
    benchmark::AddCustomContext("district", flags.district);
    benchmark::AddCustomContext("scaled_devices", std::to_string(flags.devices));
    campus::bench::register_adapter_benchmarks(district);
    campus::bench::register_rule_benchmarks(district);
    campus::bench::register_line_protocol_benchmarks(district);
    campus::bench::register_message_benchmarks(district);
    campus::bench::register_history_benchmarks(district);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  } catch (const std::exception& e) {
    std::cerr << "campus_microbench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
