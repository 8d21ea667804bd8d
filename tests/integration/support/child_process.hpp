// A real program started by a test: its own process, its output in a log file, stopped (and
// reaped) when the object goes away. If the current test has failed by then, the tail of the
// log is printed so that the failure explains itself in ctest's output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace campus::test {

class child_process {
 public:
  using environment = std::vector<std::pair<std::string, std::string>>;

  // Starts argv[0] (a path; no PATH search) with argv[1..]. The child inherits this process's
  // environment plus `env` (which overrides same-named variables); stdin is /dev/null, stdout
  // and stderr are appended to `log_file`. Throws std::runtime_error if the program cannot be
  // executed. The child gets SIGKILL if the thread that started it dies (PR_SET_PDEATHSIG), so
  // a crashed test leaves no broker behind; start children from the test's main thread.
  child_process(std::vector<std::string> argv, std::filesystem::path log_file, environment env = {});

  // stop(), then prints the log tail if the running test has failed.
  ~child_process();

  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  const std::filesystem::path& log_file() const { return log_file_; }

  // True until the process has exited (reaps it if it has).
  bool running();

  // Waits up to `timeout` for the process to exit. Returns its exit code, or 128 + signal
  // number if a signal ended it; std::nullopt if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

  // SIGTERM, then SIGKILL if it has not exited within `grace`. Returns the exit status as
  // wait_exit does. Safe to call when it has already exited.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds{5});

  // The last `lines` lines of the log file.
  std::string log_tail(std::size_t lines = 40) const;

  // Prints the log tail to stderr under a header naming the program.
  void dump_log() const;

 private:
  bool reap(int options);

  std::vector<std::string> argv_;
  std::filesystem::path log_file_;
  pid_t pid_ = -1;
  std::optional<int> status_;  // set once reaped
};

}  // namespace campus::test
