// campus-bench: one benchmark run of CampusShield on this machine (docs/benchmarks.md). It
// starts its own Mosquitto and campus-shield (and influxd, with --history influxdb) on free
// loopback ports in a temporary directory, drives them with simulated devices, and prints one
// row per figure with issue 7's target; --json writes the same rows. Exit status 0 when every
// phase ran (whether or not targets were met), 1 when one could not run, 2 for bad arguments.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "bench/bench_options.hpp"
#include "bench/bench_run.hpp"

namespace {

std::filesystem::path own_directory() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::current_path() : exe.parent_path();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace campus::bench;
  ::signal(SIGPIPE, SIG_IGN);
  bool help = false;
  auto parsed = parse_options(argc, argv, help);
  if (!parsed) {
    (help ? std::cout : std::cerr) << parsed.error();
    return help ? 0 : 2;
  }
  bench_options o = std::move(*parsed);
  if (o.server_binary.empty()) o.server_binary = own_directory() / "campus-shield";
  if (o.sample_config.empty()) o.sample_config = CAMPUS_SOURCE_DIR "/config/district.yaml";

  std::filesystem::path dir = o.work_dir;
  bool made = false;
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/campus-bench.XXXXXX";
    if (!::mkdtemp(pattern.data())) {
      std::cerr << "campus-bench: cannot make a directory under " << pattern << "\n";
      return 1;
    }
    dir = pattern;
    made = true;
  }
  std::filesystem::create_directories(dir);
  std::cerr << "campus-bench: working in " << dir.string() << "\n";

  bool ok = false;
  {
    bench_run run(o, dir);
    ok = run.run();
    run.report().print(std::cout);
    if (!o.json_file.empty() && !run.report().write_json(o.json_file)) {
      std::cerr << "campus-bench: cannot write " << o.json_file.string() << "\n";
      ok = false;
    }
  }  // the processes stop here, before their directory goes
  if (made && !o.keep && ok) std::filesystem::remove_all(dir);
  else std::cerr << "campus-bench: kept " << dir.string() << "\n";
  return ok ? 0 : 1;
}
