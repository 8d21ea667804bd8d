#include "rules/threshold_state.hpp"

#include <algorithm>
#include <cmath>

namespace campus::rules {

namespace {

// Whether `lv` holds for `v`, given whether it held before (its hysteresis).
bool holds(comparison op, const level& lv, double v, bool held) {
  switch (op) {
    case comparison::above: {
      // A clear above the threshold would undo the hysteresis; it is taken as the threshold.
      const double clear = std::min(lv.clear.value_or(lv.threshold), lv.threshold);
      return held ? v > clear : v > lv.threshold;
    }
    case comparison::below: {
      const double clear = std::max(lv.clear.value_or(lv.threshold), lv.threshold);
      return held ? v < clear : v < lv.threshold;
    }
    case comparison::equal:
      return !lv.state && v == lv.threshold;
    case comparison::outside:
      return v < lv.low || v > lv.high;
  }
  return false;
}

}  // namespace

bool compares_states(const rule_def& rule) {
  return rule.op == comparison::equal &&
         std::any_of(rule.levels.begin(), rule.levels.end(),
                     [](const level& lv) { return lv.state.has_value(); });
}

bool threshold_state::feed(const rule_def& rule, const core::reading_value& v) {
  const std::size_t n = std::min(rule.levels.size(), max_levels);
  std::uint64_t next = 0;
  if (const auto* number = std::get_if<double>(&v)) {
    if (compares_states(rule) || !std::isfinite(*number)) return false;
    for (std::size_t i = 0; i < n; ++i) {
      const bool held = (holding_ >> i) & 1u;
      if (holds(rule.op, rule.levels[i], *number, held)) next |= std::uint64_t{1} << i;
    }
  } else {
    if (!compares_states(rule)) return false;
    const auto& state = std::get<std::string>(v);
    for (std::size_t i = 0; i < n; ++i) {
      if (rule.levels[i].state == state) next |= std::uint64_t{1} << i;
    }
  }
  holding_ = next;
  last_ = v;
  return true;
}

bool threshold_state::take_up(const rule_def& rule, std::uint64_t bits,
                              const core::reading_value& v) {
  const std::size_t n = std::min(rule.levels.size(), max_levels);
  const std::uint64_t known = n == max_levels ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  holding_ = bits & known;
  return feed(rule, v);
}

std::optional<std::size_t> threshold_state::strongest(const rule_def& rule) const {
  std::optional<std::size_t> best;
  const std::size_t n = std::min(rule.levels.size(), max_levels);
  for (std::size_t i = 0; i < n; ++i) {
    if (!((holding_ >> i) & 1u)) continue;
    // Levels are listed least to most severe; on equal severity the later one wins.
    if (!best || rule.levels[i].severity >= rule.levels[*best].severity) best = i;
  }
  return best;
}

std::optional<double> threshold_state::reported_threshold(const rule_def& rule,
                                                          std::size_t i) const {
  const level& lv = rule.levels[i];
  const auto* number = std::get_if<double>(&last_);
  if (!number) return std::nullopt;
  if (rule.op == comparison::outside) return *number < lv.low ? lv.low : lv.high;
  return lv.threshold;
}

}  // namespace campus::rules
