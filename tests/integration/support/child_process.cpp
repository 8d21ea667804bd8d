#include "support/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <map>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace campus::test {
namespace {

std::vector<std::string> merged_environment(const child_process::environment& extra) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (const auto& [k, v] : extra) vars[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

child_process::child_process(std::vector<std::string> argv, std::filesystem::path log_file,
                             environment env)
    : argv_(std::move(argv)), log_file_(std::move(log_file)) {
  if (argv_.empty()) throw std::invalid_argument("child_process: empty argv");
  // Everything the child needs is prepared before fork(): after it, in a multi-threaded
  // parent, the child may only make async-signal-safe calls.
  std::vector<std::string> env_strings = merged_environment(env);
  std::vector<char*> c_argv = c_strings(argv_);
  std::vector<char*> c_env = c_strings(env_strings);
  std::string log_path = log_file_.string();
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) throw std::runtime_error("open " + log_path + ": " + std::strerror(errno));
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  // exec failure is reported through a close-on-exec pipe: EOF means exec succeeded.
  int report[2];
  if (null_fd < 0 || ::pipe2(report, O_CLOEXEC) != 0) {
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    throw std::runtime_error(std::string("child_process setup: ") + std::strerror(errno));
  }
  pid_t parent = ::getpid();

  pid_ = ::fork();
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(c_argv[0], c_argv.data(), c_env.data());
    int e = errno;
    (void)!::write(report[1], &e, sizeof e);
    ::_exit(127);
  }
  int fork_errno = errno;
  ::close(report[1]);
  ::close(log_fd);
  ::close(null_fd);
  if (pid_ < 0) {
    ::close(report[0]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(fork_errno));
  }
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(report[0], &exec_errno, sizeof exec_errno);
  } while (n < 0 && errno == EINTR);
  ::close(report[0]);
  if (n > 0) {
    reap(0);
    throw std::runtime_error("exec " + argv_[0] + ": " + std::strerror(exec_errno));
  }
}

child_process::~child_process() {
  stop();
  if (::testing::Test::HasFailure()) dump_log();
}

bool child_process::reap(int options) {
  if (status_) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, options);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    status_ = decode(status);
    return true;
  }
  if (r < 0) status_ = -1;  // not our child any more (cannot happen unless reaped elsewhere)
  return status_.has_value();
}

bool child_process::running() { return !reap(WNOHANG); }

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reap(WNOHANG)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return status_;
}

int child_process::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  if (reap(WNOHANG)) return *status_;
  ::kill(pid_, SIGTERM);
  if (auto s = wait_exit(grace)) return *s;
  std::cerr << argv_[0] << " (pid " << pid_ << ") ignored SIGTERM; sending SIGKILL\n";
  ::kill(pid_, SIGKILL);
  reap(0);
  return *status_;
}

std::string child_process::log_tail(std::size_t lines) const {
  std::ifstream in(log_file_);
  std::deque<std::string> tail;
  for (std::string line; std::getline(in, line);) {
    tail.push_back(std::move(line));
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out;
  for (const auto& l : tail) out += l + "\n";
  return out;
}

void child_process::dump_log() const {
  std::cerr << "----- last lines of " << log_file_ << " (" << argv_[0] << ") -----\n"
            << log_tail() << "----- end of log -----\n";
}

}  // namespace campus::test
