#include "bench/bench_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <thread>

namespace campus::bench {
namespace {

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::expected<pid_t, std::string> bench_process::spawn(const std::vector<std::string>& argv,
                                                        const std::filesystem::path& log_file,
                                                        int stdin_fd) {
  const int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return std::unexpected(log_file.string() + ": " + std::strerror(errno));
  // A pipe closed on exec tells the parent whether execv worked (it carries errno if not).
  int report[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    ::close(log);
    return std::unexpected(std::string("pipe: ") + std::strerror(errno));
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    const int in = stdin_fd >= 0 ? stdin_fd : ::open("/dev/null", O_RDONLY);
    ::dup2(in, 0);
    ::dup2(log, 1);
    ::dup2(log, 2);
    ::setpgid(0, 0);  // a terminal's Ctrl-C reaches campus-bench, which stops its children
    ::execv(args[0], args.data());
    const int e = errno;
    (void)!::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(log);
  ::close(report[1]);
  if (pid < 0) {
    ::close(report[0]);
    return std::unexpected(std::string("fork: ") + std::strerror(errno));
  }
  int e = 0;
  const auto n = ::read(report[0], &e, sizeof e);
  ::close(report[0]);
  if (n == sizeof e) {
    ::waitpid(pid, nullptr, 0);
    return std::unexpected("cannot run " + argv[0] + ": " + std::strerror(e));
  }
  return pid;
}

std::expected<bench_process, std::string> bench_process::start(
    const std::vector<std::string>& argv, const std::filesystem::path& log_file) {
  auto pid = spawn(argv, log_file, -1);
  if (!pid) return std::unexpected(pid.error());
  return bench_process(*pid, log_file);
}

std::expected<int, std::string> bench_process::run(const std::vector<std::string>& argv,
                                                   const std::string& input,
                                                   const std::filesystem::path& log_file) {
  int in[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return std::unexpected(std::string("pipe: ") + std::strerror(errno));
  auto pid = spawn(argv, log_file, in[0]);
  ::close(in[0]);
  if (!pid) {
    ::close(in[1]);
    return std::unexpected(pid.error());
  }
  // Small inputs (a password): the pipe's buffer holds them, so writing cannot block.
  (void)!::write(in[1], input.data(), input.size());
  ::close(in[1]);
  int status = 0;
  while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  return exit_code(status);
}

bench_process::bench_process(bench_process&& other) noexcept
    : pid_(other.pid_), log_(std::move(other.log_)), status_(other.status_) {
  other.pid_ = -1;
}

bench_process::~bench_process() {
  if (pid_ > 0) stop(std::chrono::seconds{5});
}

bool bench_process::running() {
  if (pid_ <= 0 || status_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = exit_code(status);
    return false;
  }
  return true;
}

int bench_process::stop(std::chrono::milliseconds grace) {
  if (!running()) return status_.value_or(-1);
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  if (running()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    status_ = exit_code(status);
  }
  return status_.value_or(-1);
}

std::string bench_process::log_tail(std::size_t lines) const {
  std::ifstream in(log_);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& l : tail) out += "    " + l + "\n";
  return out;
}

}  // namespace campus::bench
