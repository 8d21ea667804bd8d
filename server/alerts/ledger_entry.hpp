// One hazard in the ledger (挂账): a sensor alert or a hazard registered by a person, with its
// condition side (active → cleared) and its handling side (new → acknowledged → rectified →
// closed). Entries are never deleted; every change is a ledger_transition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/reading.hpp"
#include "core/severity.hpp"
#include "rules/alert.hpp"

namespace campus::alerts {

enum class entry_kind { sensor, manual };

// `new_` because `new` is a keyword; its text form is "new".
enum class handling { new_, acknowledged, rectified, closed };

std::string_view to_string(entry_kind k);
std::string_view to_string(handling h);
std::string_view to_string(rules::condition c);
std::optional<entry_kind> parse_entry_kind(std::string_view s);
std::optional<handling> parse_handling(std::string_view s);
std::optional<rules::condition> parse_condition(std::string_view s);

struct ledger_entry {
  std::int64_t id = 0;  // the ledger's own id, stable across restarts; shown as "A-000123"
  entry_kind kind = entry_kind::sensor;
  std::vector<std::string> alert_ids;  // rule engine alert ids, in firing order (sensor only)

  std::string site;
  std::string zone;
  std::string device;   // may be empty for a manual hazard
  std::string family;   // the device's adapter family; empty when unknown
  std::string rule;     // sensor only
  std::string subject;  // a beacon tag for dwell alerts; else empty
  std::string rule_name;
  std::string rule_name_en;
  std::string metric;
  std::string title;        // manual hazards
  std::string description;  // manual hazards

  core::severity severity = core::severity::yellow;      // current
  // The peak: the most severe colour the entry reached while in the ledger. It is what the
  // entry is shown, filtered and counted by (the feed, the ledger, ?severity=, the monthly
  // report), so an entry that reached red never reads as yellow after falling back.
  core::severity max_severity = core::severity::yellow;
  rules::condition cond = rules::condition::active;
  handling state = handling::new_;
  int occurrences = 1;  // firings while the entry was open (1 = the first)

  // The latest value from the engine, kept even when no transition is recorded for it.
  core::reading_value value = 0.0;
  // The value that raised the entry (its first firing); empty for a manual hazard and for
  // entries recorded before the ledger kept it (user_version 1).
  std::optional<core::reading_value> raised_value;
  // The value at the peak: the one the engine reported when the entry first reached
  // max_severity, replaced by any later one at that colour further past the threshold (higher
  // for a rule above its threshold, lower below). The engine reports a threshold alert's value
  // when it raises, re-fires or changes colour, so this is the most extreme of those. Empty
  // for a manual hazard and where an old file cannot tell (see ledger_database).
  std::optional<core::reading_value> peak_value;
  std::optional<double> threshold;

  core::time_point raised_at{};
  core::time_point updated_at{};  // the last change of any kind
  std::optional<core::time_point> cleared_at;
  std::optional<core::time_point> acknowledged_at;
  std::string acknowledged_by;
  std::optional<core::time_point> rectified_at;
  std::string rectified_by;
  std::string rectification_note;
  std::optional<core::time_point> closed_at;
  std::string closed_by;
  std::string verification_note;

  std::string responsible;  // the person who must rectify it
  std::optional<core::time_point> deadline;

  // Computed against the ledger's clock whenever an entry is handed out; not stored.
  bool overdue = false;

  bool is_open() const { return state != handling::closed; }
  bool overdue_at(core::time_point now) const {
    return deadline.has_value() && is_open() && now > *deadline;
  }
};

// "A-000123": the id as people read it and type it. A negative id is an alert the ledger could
// not record yet (the incident desk announces and retries it): "P-000007", provisional.
std::string display_id(std::int64_t id);

}  // namespace campus::alerts
