// The monthly safety report (安全月报表) of one school or of the district, every figure as
// docs/bureau.md defines it. Pure: the ledger's entries and transitions for the month (an
// alert_ledger::slice), the hourly activity of the devices, the escalation policy and `now`
// come in; figures go out. The district's figures pool every school's values (percentiles over
// the pooled durations, availability over all devices), each school counted in its own month.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/ledger_entry.hpp"
#include "alerts/ledger_transition.hpp"
#include "bureau/hourly_activity.hpp"
#include "bureau/report_month.hpp"
#include "config/district.hpp"
#include "core/severity.hpp"
#include "notify/duty/escalation_policy.hpp"

namespace campus::bureau {

struct severity_counts {
  int blue = 0, yellow = 0, orange = 0, red = 0, total = 0;
  void add(core::severity s);
  void add(const severity_counts& o);
  bool operator==(const severity_counts&) const = default;
};

// An entry named in the report (escalated, carried in or over, overdue).
struct entry_ref {
  std::int64_t id = 0;
  std::string site;
  std::string title;     // the hazard's title, or the rule's name for a sensor entry
  std::string title_en;
  core::severity severity = core::severity::yellow;  // max_severity
  core::time_point raised_at{};
  std::optional<core::time_point> closed_at;
  std::optional<core::time_point> deadline;
};

// Time from raising to an action (acknowledge, close), in seconds.
struct duration_figures {
  int count = 0;     // entries with the action
  int not_done = 0;  // entries without it
  std::vector<std::int64_t> seconds;  // one per entry with the action (pooled for the district)
  std::optional<std::int64_t> median_s() const;
  std::optional<std::int64_t> p90_s() const;
};

struct report_deadline_figures {
  int required = 0;  // raised in the month and reached orange or red
  int on_time = 0;
  int late = 0;
  int missing = 0;   // no report and the deadline has passed
  int pending = 0;   // no report yet, the deadline still ahead (a partial month)
  int breaches() const { return late + missing; }
};

struct device_availability {
  std::string device;
  std::string site;
  std::string name;
  std::string name_en;
  std::string family;
  int hours = 0;        // hours of [from, min(to, now))
  int hours_heard = 0;  // of which with at least one stored reading
  std::optional<double> availability;  // percent
  std::int64_t readings = 0;            // stored with ts in [from, to)
};

struct report_figures {
  // Sensor entries raised in the month by family ("" when unknown) and max_severity: the rows
  // of the cross table; `alerts` holds its column totals.
  std::map<std::string, severity_counts> alerts_by_family;
  severity_counts alerts;
  severity_counts hazards_registered;
  duration_figures acknowledge;
  duration_figures close;
  std::vector<entry_ref> escalations;
  report_deadline_figures report_deadline;
  std::vector<entry_ref> carried_in;
  std::vector<entry_ref> carried_over;
  std::vector<entry_ref> overdue;
  std::vector<device_availability> devices;
  std::optional<double> availability;  // mean over devices, percent
  std::int64_t readings_stored = 0;

  // Adds `o`'s values to these (lists appended, counts summed); availability is recomputed.
  void pool(const report_figures& o);
};

struct school_report {
  std::string site;
  std::string name;
  std::string name_en;
  std::string time_zone;
  span month{};  // local midnights in the school's zone
  report_figures figures;
};

struct monthly_report {
  std::chrono::year_month month;
  bool partial = false;         // the month is not over: figures up to `generated_at`
  core::time_point generated_at{};
  bool district = false;        // the district's report (figures pooled over `schools`)
  span month_bounds{};          // earliest from, latest to of the schools
  report_figures figures;       // the school's, or the district's pooled
  std::vector<school_report> schools;  // district: one per school; school: that school alone
};

// What the report reads; references must outlive the call.
struct report_sources {
  const std::vector<alerts::ledger_entry>& entries;  // any sites; others are ignored
  const std::map<std::int64_t, std::vector<alerts::ledger_transition>>& transitions;
  const hourly_activity& activity;
  const notify::duty::escalation_policy& policy;
  core::time_point now;
};

// The month each school runs in, or future_month when it has not begun in any of them.
std::expected<std::vector<span>, month_error> school_months(
    std::chrono::year_month month, const std::vector<const config::site*>& sites,
    core::time_point now);

// The report of `sites` for `month` (`district`: pooled over them, with per-school rows).
std::expected<monthly_report, month_error> build_monthly_report(
    const config::district& d, std::chrono::year_month month,
    const std::vector<const config::site*>& sites, bool district, const report_sources& in);

// One school's figures over [m.from, m.to) (exposed for tests).
report_figures school_figures(const config::district& d, const config::site& s, span m,
                              const report_sources& in);

}  // namespace campus::bureau
