// Minimal structured logging to stderr, plus a rate limiter so that a device sending garbage
// cannot flood the log: bad input is counted always, logged at a bounded rate.
#pragma once

#include <chrono>
#include <fmt/format.h>
#include <mutex>
#include <string_view>

namespace campus::core {

enum class log_level { debug, info, warn, error };

void set_log_level(log_level);
log_level current_log_level();
void write_log(log_level, std::string_view message);

template <class... Args>
void log(log_level level, fmt::format_string<Args...> fmt, Args&&... args) {
  if (level < current_log_level()) return;
  write_log(level, fmt::format(fmt, std::forward<Args>(args)...));
}

// Allows at most `burst` messages per `period`; reports how many were suppressed meanwhile.
class log_rate_limiter {
 public:
  explicit log_rate_limiter(int burst = 10, std::chrono::seconds period = std::chrono::seconds{10})
      : burst_(burst), period_(period) {}

  // Returns true when a message may be written now. `suppressed` receives the number of
  // messages dropped since the last one allowed.
  bool allow(long& suppressed);

 private:
  std::mutex mutex_;
  int burst_;
  std::chrono::seconds period_;
  std::chrono::steady_clock::time_point window_start_{};
  int used_ = 0;
  long dropped_ = 0;
};

}  // namespace campus::core
