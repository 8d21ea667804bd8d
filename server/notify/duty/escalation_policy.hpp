// Who is told about an alert of each colour, by which channel, and after how long without an
// acknowledgement. Plain data, read by duty_config.hpp and followed by escalation_tracker.hpp.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/reading.hpp"
#include "core/severity.hpp"

namespace campus::notify::duty {

enum class channel { sms, dashboard };

constexpr std::string_view to_string(channel c) {
  return c == channel::sms ? "sms" : "dashboard";
}

constexpr std::optional<channel> parse_channel(std::string_view s) {
  if (s == "sms") return channel::sms;
  if (s == "dashboard") return channel::dashboard;
  return std::nullopt;
}

// Step k is due `after` the alert reached its current colour (step 0 normally after 0s).
// An empty `roles` list means the site dashboard alone, nobody in particular.
struct escalation_step {
  core::duration after{0};
  std::vector<std::string> roles;
  std::vector<channel> channels;
};

struct escalation_policy {
  // Indexed by severity - 1: blue, yellow, orange, red. Delays strictly increase within a list.
  std::array<std::vector<escalation_step>, 4> steps;

  const std::vector<escalation_step>& for_severity(core::severity s) const {
    return steps[static_cast<int>(s) - 1];
  }
  std::vector<escalation_step>& for_severity(core::severity s) {
    return steps[static_cast<int>(s) - 1];
  }

  // The seed plans' policy, used when the configuration has no `escalation:`:
  //   red:    0s duty_leader, safety_director, bureau_duty_officer by sms and dashboard;
  //           5m principal by sms
  //   orange: 0s duty_leader, bureau_duty_officer by sms and dashboard; 15m safety_director by
  //           sms; 30m principal by sms
  //   yellow: 0s duty_leader on the dashboard; 30m duty_leader by sms
  //   blue:   0s the dashboard
  static escalation_policy seed_default();
};

}  // namespace campus::notify::duty
