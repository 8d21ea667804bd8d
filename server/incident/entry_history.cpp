#include "incident/entry_history.hpp"

#include <algorithm>

namespace campus::incident {

namespace {

using alerts::transition_kind;

bool needs_report(core::severity s) {
  return s == core::severity::orange || s == core::severity::red;
}

}  // namespace

std::string tracker_id(const alerts::ledger_entry& e) { return alerts::display_id(e.id); }

notify::duty::escalation_record record_of(const alerts::ledger_entry& e,
                                          const std::vector<alerts::ledger_transition>& ts) {
  notify::duty::escalation_record r;
  r.alert = {tracker_id(e), e.site, e.severity, e.raised_at};
  bool started = false;
  core::severity colour = e.severity;
  std::optional<core::time_point> cleared_at;
  for (const auto& t : ts) {
    switch (t.what) {
      case transition_kind::raised:
      case transition_kind::registered:
        if (auto s = core::parse_severity(t.to)) {
          r.alert.severity = colour = *s;
          started = true;
        }
        break;
      case transition_kind::severity_changed:
      case transition_kind::refired:
        // A re-fire records colours, or handling states when it reopened a rectification.
        if (auto s = core::parse_severity(t.to); s && started && *s != colour) {
          r.changes.push_back({t.at, *s});
          colour = *s;
        }
        break;
      case transition_kind::acknowledged:
        r.acknowledged.push_back(t.at);
        break;
      case transition_kind::cleared:
        cleared_at = t.at;
        break;
      case transition_kind::reported:
        if (!r.report_at) {
          r.report_at = t.at;
          r.report_by = t.who;
        }
        break;
      default:
        break;
    }
  }
  if (colour != e.severity) r.changes.push_back({std::max(e.updated_at, e.raised_at), e.severity});
  if (e.cond == rules::condition::cleared) r.cleared_at = e.cleared_at ? e.cleared_at : cleared_at;
  return r;
}

core::time_point sent_until_of(const alerts::ledger_entry& e,
                               const std::vector<alerts::ledger_transition>& ts) {
  core::time_point until = e.raised_at - core::duration{1};
  for (const auto& t : ts)
    if (t.what == transition_kind::notified) until = std::max(until, t.at);
  return until;
}

std::optional<report_view> report_of(const notify::duty::escalation_record& r,
                                     core::time_point now) {
  std::optional<core::time_point> first_serious;
  if (needs_report(r.alert.severity)) first_serious = r.alert.raised_at;
  for (const auto& c : r.changes) {
    if (!first_serious && needs_report(c.to)) first_serious = c.at;
  }
  if (!first_serious) return std::nullopt;
  report_view v;
  v.deadline = *first_serious + std::chrono::hours{1};
  v.reported_at = r.report_at;
  v.reported_by = r.report_by.value_or("");
  v.overdue = !v.reported_at && now > v.deadline;
  v.late = v.reported_at && *v.reported_at > v.deadline;
  return v;
}

}  // namespace campus::incident
