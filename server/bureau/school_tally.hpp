// A school at a glance, for the bureau's live view and overview: its worst active colour, how
// many of its devices are online, offline and alerting, and its open ledger entries. Computed
// for every school in one pass over the devices and the open entries (tally_schools), so the
// cost follows the district's size, not its size squared.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/district.hpp"
#include "core/clock.hpp"
#include "core/severity.hpp"
#include "incident/entry_view.hpp"
#include "ingest/live_state.hpp"

namespace campus::bureau {

struct school_tally {
  std::string site;
  std::optional<core::severity> worst;  // of open entries whose condition is active
  int devices_total = 0;
  int devices_online = 0;
  int devices_offline = 0;
  int devices_alerting = 0;  // devices with an active rule alert
  int open = 0;              // open ledger entries
  int overdue = 0;           // open entries past their rectification deadline
  int reports_overdue = 0;   // orange/red entries whose one-hour report is overdue
  std::optional<core::time_point> last_event;  // the latest change of an open entry

  bool operator==(const school_tally&) const = default;
  // Anything to act on: an active colour, an overdue entry or report, an offline device.
  bool has_problem() const {
    return worst.has_value() || overdue > 0 || reports_overdue > 0 || devices_offline > 0;
  }
};

// One tally per site of `d`, in district order. `presence` is live_state::presence() (one entry
// per configured device, in configuration order); `open` the desk's open entries
// (incident_desk::open_briefs).
std::vector<school_tally> tally_schools(const config::district& d,
                                        const std::vector<ingest::device_presence>& presence,
                                        const std::vector<incident::entry_brief>& open,
                                        core::time_point now);

}  // namespace campus::bureau
