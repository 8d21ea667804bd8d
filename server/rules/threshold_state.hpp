// Which levels of a threshold rule hold for one stream of values, each level with its own
// hysteresis, so that a value hovering at a threshold does not make the alert flap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "rules/rule.hpp"

namespace campus::rules {

class threshold_state {
 public:
  // The number of levels a rule may use; further levels are never considered.
  static constexpr std::size_t max_levels = 64;

  // Feeds the next value. Returns false, changing nothing, when the value cannot be compared
  // by this rule: a state for a numeric rule, a number for a state rule, NaN or infinity.
  bool feed(const rule_def& rule, const core::reading_value& v);

  // The most severe level that holds now, as an index into rule.levels.
  std::optional<std::size_t> strongest(const rule_def& rule) const;

  // The last value accepted by feed().
  const core::reading_value& last() const { return last_; }

  // Bit i: rule.levels[i] held at the last feed (what rule_engine::save_pending writes).
  std::uint64_t holding_bits() const { return holding_; }
  // Takes up a saved state: the levels that held, then the last value fed again, so that the
  // hysteresis of the levels as configured now applies. False, as feed(), when the rule cannot
  // compare the value.
  bool take_up(const rule_def& rule, std::uint64_t bits, const core::reading_value& v);

  // The threshold to report for a level: the bound that was crossed; none for states.
  std::optional<double> reported_threshold(const rule_def& rule, std::size_t level) const;

 private:
  std::uint64_t holding_ = 0;  // bit i: rule.levels[i] holds
  core::reading_value last_;
};

// A rule compares states when it is `equal` and some level names a state.
bool compares_states(const rule_def& rule);

}  // namespace campus::rules
