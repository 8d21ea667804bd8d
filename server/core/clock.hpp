// Time is injected so that rules, timers and tests never depend on the real clock.
#pragma once

#include "core/reading.hpp"

namespace campus::core {

class clock {
 public:
  virtual ~clock() = default;
  virtual time_point now() const = 0;
};

class system_clock final : public clock {
 public:
  time_point now() const override {
    return std::chrono::time_point_cast<duration>(std::chrono::system_clock::now());
  }
};

// A clock that moves only when told to; for tests and deterministic replays.
class manual_clock final : public clock {
 public:
  explicit manual_clock(time_point start = from_epoch_ms(1763860000000)) : now_(start) {}
  time_point now() const override { return now_; }
  void set(time_point t) { now_ = t; }
  void advance(duration d) { now_ += d; }

 private:
  time_point now_;
};

}  // namespace campus::core
