// The district overview (区域总览): one row per school with its worst active colour, open and
// overdue entries, reports overdue, devices online, compliance and last incident.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/ledger_entry.hpp"
#include "bureau/compliance.hpp"
#include "bureau/school_tally.hpp"
#include "core/severity.hpp"
#include "incident/entry_view.hpp"
#include "ingest/live_state.hpp"

namespace campus::bureau {

struct overview_row {
  std::string site;
  std::string name;
  std::string name_en;
  std::optional<core::severity> worst_severity;  // of open entries whose condition is active
  int open = 0;
  int overdue = 0;          // open entries past their deadline
  int reports_overdue = 0;  // orange/red entries whose one-hour report is overdue
  int devices_online = 0;
  int devices_offline = 0;   // judged silent, or said so themselves
  int devices_alerting = 0;  // with an active rule alert
  int devices_total = 0;
  int points_required = 0;
  int points_reporting = 0;
  std::optional<double> compliance_rate;  // percent
  std::optional<alerts::ledger_entry> last_incident;  // the latest raised, any state
};

struct overview {
  core::time_point generated_at{};
  double target_pct = 90;  // the compliance target the rates are judged by
  std::vector<overview_row> schools;
};

// `tallies` and `compliance` cover the same schools, in the same order; `last` holds the
// latest raised entry per site.
overview build_overview(const compliance_figures& compliance,
                        const std::vector<const school_tally*>& tallies,
                        const std::map<std::string, alerts::ledger_entry, std::less<>>& last,
                        core::time_point now);

}  // namespace campus::bureau
