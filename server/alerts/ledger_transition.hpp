// One recorded change of a ledger entry: who did what, when, from which value to which.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/reading.hpp"

namespace campus::alerts {

enum class transition_kind {
  raised,            // a sensor alert opened a new entry (to: severity)
  severity_changed,  // the engine moved the alert's level (from/to: severity)
  cleared,           // the condition ended (engine, or a manual hazard's rectification)
  refired,           // the rule fired again while the entry was open (from/to: severity, or
                     // handling when a re-fire reopened a rectification)
  acknowledged,      // from/to: handling
  rectified,         // from/to: handling; note: the rectification
  closed,            // from/to: handling; note: the verification
  registered,        // a person entered a manual hazard (to: severity)
  assigned,          // a responsible person and/or deadline set (to: "person @ epoch ms")
  note,              // a free remark; no state change
  reported,          // the one-hour report to the bureau was made (note: what was reported)
  notified,          // a person was sent a message (from: role, to: "channel:person id",
                     // note: delivery outcome and text); who is "system"
};

std::string_view to_string(transition_kind k);
std::optional<transition_kind> parse_transition_kind(std::string_view s);

// Who engine-driven transitions are recorded as.
inline constexpr std::string_view system_actor = "system";

struct ledger_transition {
  std::int64_t id = 0;  // increasing in recording order across the whole ledger
  std::int64_t entry_id = 0;
  core::time_point at{};
  std::string who;
  transition_kind what = transition_kind::note;
  std::string from;
  std::string to;
  std::string note;
};

}  // namespace campus::alerts
