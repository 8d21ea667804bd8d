// A program campus-bench starts: mosquitto, influxd, campus-shield. Its output goes to a log
// file in the run's directory; it is stopped (SIGTERM, then SIGKILL) when the object goes, and
// gets SIGKILL if campus-bench dies first (PR_SET_PDEATHSIG), so an aborted run leaves no
// broker or server behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <expected>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace campus::bench {

class bench_process {
 public:
  // Starts argv[0] (a path) with argv[1..]; stdin is /dev/null. Fails if it cannot be executed.
  static std::expected<bench_process, std::string> start(const std::vector<std::string>& argv,
                                                         const std::filesystem::path& log_file);
  // Runs a command to its end with `input` on its stdin; its exit code (128 + signal when a
  // signal ended it), or an error when it could not be run.
  static std::expected<int, std::string> run(const std::vector<std::string>& argv,
                                             const std::string& input,
                                             const std::filesystem::path& log_file);

  bench_process(bench_process&& other) noexcept;
  bench_process& operator=(bench_process&&) = delete;
  bench_process(const bench_process&) = delete;
  ~bench_process();

  pid_t pid() const { return pid_; }
  bool running();
  // SIGTERM, SIGKILL after `grace`; the exit status (128 + signal for a signal).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds{20});
  std::string log_tail(std::size_t lines = 20) const;

 private:
  bench_process(pid_t pid, std::filesystem::path log) : pid_(pid), log_(std::move(log)) {}
  static std::expected<pid_t, std::string> spawn(const std::vector<std::string>& argv,
                                                 const std::filesystem::path& log_file,
                                                 int stdin_fd);

  pid_t pid_ = -1;
  std::filesystem::path log_;
  std::optional<int> status_;
};

}  // namespace campus::bench
