#include "sim/wander.hpp"

#include <algorithm>

namespace campus::sim {

wander::wander(double step, double limit, double pull) : step_(step), limit_(limit), pull_(pull) {}

double wander::next(std::mt19937_64& rng) {
  std::normal_distribution<double> move(0.0, step_);
  value_ = std::clamp(value_ * (1.0 - pull_) + move(rng), -limit_, limit_);
  return value_;
}

}  // namespace campus::sim
