// What a dashboard sees of one ledger entry: the entry itself, the unit of its value, who has
// been told and who is next (escalation), and the one-hour report (1小时内报告). Plain data,
// serialised by net/messages (shape: docs/alerts.md, "entry_view").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alerts/ledger_entry.hpp"
#include "alerts/ledger_transition.hpp"
#include "notify/duty/escalation_tracker.hpp"

namespace campus::incident {

struct escalation_view {
  bool acknowledged = false;
  std::vector<notify::duty::notification> told;
  std::optional<notify::duty::next_escalation> next;
};

// Orange and red only: report within one hour of first reaching orange or red.
struct report_view {
  core::time_point deadline{};
  std::optional<core::time_point> reported_at;
  std::string reported_by;
  bool overdue = false;  // deadline passed with no report (at the time the view was made)
  bool late = false;     // reported, but after the deadline
};

struct entry_view {
  alerts::ledger_entry entry;
  std::string unit;                          // of entry.metric; empty for states and hazards
  std::optional<escalation_view> escalation;  // open entries the desk follows
  std::optional<report_view> report;
  // The provisional entry (negative id) this one, now recorded, takes the place of.
  std::optional<std::int64_t> replaces;
};

// What the bureau's school tallies need of an open entry (incident_desk::open_briefs): copied
// under the board's mutex without the entry's texts, so thousands of open entries cost the
// desk microseconds, not milliseconds.
struct entry_brief {
  std::int64_t id = 0;
  std::string site;
  core::severity severity = core::severity::yellow;
  rules::condition cond = rules::condition::active;
  alerts::handling state = alerts::handling::new_;
  core::time_point updated_at{};
  std::optional<core::time_point> deadline;         // rectification
  std::optional<core::time_point> report_deadline;  // orange/red: the one-hour report
  bool reported = false;

  bool is_open() const { return state != alerts::handling::closed; }
  bool overdue_at(core::time_point now) const { return deadline && is_open() && now > *deadline; }
};

// One entry and its whole history (GET /api/alerts/{id}).
struct entry_detail {
  entry_view view;
  std::vector<alerts::ledger_transition> transitions;
};

// One page of GET /api/alerts.
struct view_page {
  std::vector<entry_view> entries;
  std::int64_t total = 0;
};

}  // namespace campus::incident
