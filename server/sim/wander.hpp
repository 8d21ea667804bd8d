// Sensor noise that looks like sensor noise: a mean-reverting random walk around zero, so
// successive readings are close to each other yet never repeat for long, and never leave
// [-limit, limit]. Models add it to their daily curve.
#pragma once

#include <random>

namespace campus::sim {

class wander {
 public:
  // `step`: standard deviation of one move; `limit`: the walk is clamped to ±limit;
  // `pull`: share of the distance to zero taken back on every move (0..1).
  wander(double step, double limit, double pull = 0.05);

  double next(std::mt19937_64& rng);
  double value() const { return value_; }

 private:
  double step_;
  double limit_;
  double pull_;
  double value_ = 0;
};

}  // namespace campus::sim
