#include "alerts/ledger_lifecycle.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace campus::alerts::lifecycle {

namespace {

std::string severity_text(core::severity s) { return std::string(core::to_string(s)); }
std::string handling_text(handling h) { return std::string(to_string(h)); }

ledger_transition make(const ledger_entry& e, core::time_point at, std::string_view who,
                       transition_kind what, std::string from, std::string to,
                       std::string_view note = {}) {
  return ledger_transition{
      0, e.id, at, std::string(who), what, std::move(from), std::move(to), std::string(note)};
}

ledger_error refuse(ledger_error::code c, std::string message) {
  return ledger_error{c, std::move(message)};
}

std::optional<ledger_error> check_person(std::string_view who) {
  if (is_blank(who)) return refuse(ledger_error::code::invalid_argument, "a person is required");
  if (who == system_actor) {
    return refuse(ledger_error::code::invalid_argument, "\"system\" is reserved for engine events");
  }
  return std::nullopt;
}

// Engine events carry their own time; an unset time falls back to the alert's raise.
core::time_point event_time(const rules::alert& a) {
  if (a.cond == rules::condition::cleared && a.cleared_at) return *a.cleared_at;
  return a.updated_at > a.raised_at ? a.updated_at : a.raised_at;
}

void take_value(ledger_entry& e, const rules::alert& a) {
  e.value = a.value;
  e.threshold = a.threshold;
}

// Whether `candidate` lies further past `threshold` than `peak`: higher when the peak is at or
// above the threshold, lower when below it. Only numbers compare; a state never replaces one.
bool further_past(const core::reading_value& candidate, const core::reading_value& peak,
                  std::optional<double> threshold) {
  const auto* c = std::get_if<double>(&candidate);
  const auto* p = std::get_if<double>(&peak);
  if (!c || !p) return false;
  if (threshold && *p < *threshold) return *c < *p;
  return *c > *p;
}

// Keeps the peak value (ledger_entry::peak_value) as the engine reports value `a.value` at
// colour `a.severity`; `highest` is max_severity before this event. Call after max_severity
// has been raised to include `a.severity`.
void track_peak(ledger_entry& e, core::severity highest, const rules::alert& a) {
  if (a.severity < e.max_severity) return;  // below the peak colour: not the peak
  if (!e.peak_value || a.severity > highest || further_past(a.value, *e.peak_value, a.threshold)) {
    e.peak_value = a.value;
  }
}

}  // namespace

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

ledger_entry open_sensor_entry(const rules::alert& a, std::string family) {
  ledger_entry e;
  e.kind = entry_kind::sensor;
  e.alert_ids = {a.id};
  e.site = a.site;
  e.zone = a.zone;
  e.device = a.device;
  e.family = std::move(family);
  e.rule = a.rule;
  e.subject = a.subject;
  e.rule_name = a.rule_name;
  e.rule_name_en = a.rule_name_en;
  e.metric = a.metric;
  e.severity = a.severity;
  e.max_severity = a.severity;
  e.cond = a.cond;
  if (a.cond == rules::condition::cleared) e.cleared_at = a.cleared_at;
  take_value(e, a);
  e.raised_value = a.value;
  e.peak_value = a.value;
  e.raised_at = a.raised_at;
  e.updated_at = event_time(a);
  return e;
}

transitions raised(const ledger_entry& e) {
  return {
      make(e, e.raised_at, system_actor, transition_kind::raised, {}, severity_text(e.severity))};
}

// A rise above every colour the entry has reached (`highest`, before this change) while
// acknowledged or rectified sends the entry back to new: the danger grew beyond what a person
// took on, so they must acknowledge it again (the escalation policy of the new colour starts,
// see notify/duty/escalation_tracker.hpp). A return to a colour reached before — a sensor
// flapping between yellow and red — keeps the acknowledgement. Returns the note to record, or
// empty.
std::string reopen_on_rise(ledger_entry& e, core::severity highest, core::severity to) {
  if (to <= highest || (e.state != handling::acknowledged && e.state != handling::rectified)) {
    return {};
  }
  const auto was = e.state;
  e.state = handling::new_;
  e.rectified_at.reset();
  e.rectified_by.clear();
  e.rectification_note.clear();
  return fmt::format("severity rose while {}: acknowledgement required again", handling_text(was));
}

transitions refire(ledger_entry& e, const rules::alert& a) {
  const auto at = a.raised_at;
  if (std::find(e.alert_ids.begin(), e.alert_ids.end(), a.id) == e.alert_ids.end()) {
    e.alert_ids.push_back(a.id);
  }
  ++e.occurrences;
  e.cond = rules::condition::active;
  e.cleared_at.reset();
  take_value(e, a);
  e.updated_at = at;
  const auto highest = e.max_severity;
  e.max_severity = std::max(e.max_severity, a.severity);
  track_peak(e, highest, a);
  const auto old_severity = e.severity;
  e.severity = a.severity;
  const auto note = fmt::format("occurrence {}", e.occurrences);

  if (auto reopened = reopen_on_rise(e, highest, a.severity); !reopened.empty()) {
    return {make(e, at, system_actor, transition_kind::refired, severity_text(old_severity),
                 severity_text(a.severity), fmt::format("{}; {}", note, reopened))};
  }
  if (e.state == handling::rectified) {
    const handling back = e.acknowledged_at ? handling::acknowledged : handling::new_;
    e.state = back;
    e.rectified_at.reset();
    e.rectified_by.clear();
    e.rectification_note.clear();
    return {make(e, at, system_actor, transition_kind::refired, handling_text(handling::rectified),
                 handling_text(back), fmt::format("{}; rectification reopened", note))};
  }
  return {make(e, at, system_actor, transition_kind::refired, severity_text(old_severity),
               severity_text(a.severity), note)};
}

transitions update(ledger_entry& e, const rules::alert& a) {
  take_value(e, a);
  const auto at = event_time(a);
  if (at > e.updated_at) e.updated_at = at;
  const auto highest = e.max_severity;
  e.max_severity = std::max(e.max_severity, a.severity);
  track_peak(e, highest, a);
  if (a.severity == e.severity) return {};
  const auto old_severity = e.severity;
  e.severity = a.severity;
  e.updated_at = at;
  const auto reopened = reopen_on_rise(e, highest, a.severity);
  return {make(e, at, system_actor, transition_kind::severity_changed, severity_text(old_severity),
               severity_text(a.severity), reopened)};
}

transitions clear(ledger_entry& e, const rules::alert& a) {
  take_value(e, a);
  if (e.cond == rules::condition::cleared) return {};
  const auto at = event_time(a);
  e.cond = rules::condition::cleared;
  e.cleared_at = at;
  e.updated_at = at;
  return {make(e, at, system_actor, transition_kind::cleared, "active", "cleared")};
}

ledger_result<ledger_entry> open_manual_entry(const hazard_spec& spec, core::time_point at) {
  if (is_blank(spec.site)) {
    return std::unexpected(refuse(ledger_error::code::invalid_argument, "a site is required"));
  }
  if (is_blank(spec.title)) {
    return std::unexpected(refuse(ledger_error::code::invalid_argument, "a title is required"));
  }
  if (auto bad = check_person(spec.reported_by)) return std::unexpected(*bad);
  ledger_entry e;
  e.kind = entry_kind::manual;
  e.site = spec.site;
  e.zone = spec.zone;
  e.device = spec.device;
  e.family = spec.family;
  e.title = spec.title;
  e.description = spec.description;
  e.severity = spec.severity;
  e.max_severity = spec.severity;
  e.cond = rules::condition::active;
  e.responsible = spec.responsible;
  e.deadline = spec.deadline;
  e.raised_at = at;
  e.updated_at = at;
  return e;
}

transitions registered(const ledger_entry& e, std::string_view reported_by) {
  return {make(e, e.raised_at, reported_by, transition_kind::registered, {},
               severity_text(e.severity), e.title)};
}

ledger_result<transitions> acknowledge(ledger_entry& e, std::string_view who, std::string_view note,
                                       core::time_point at) {
  if (auto bad = check_person(who)) return std::unexpected(*bad);
  if (e.state != handling::new_) {
    return std::unexpected(refuse(
        ledger_error::code::invalid_state,
        fmt::format("{} cannot be acknowledged: it is {}", display_id(e.id), to_string(e.state))));
  }
  e.state = handling::acknowledged;
  e.acknowledged_at = at;
  e.acknowledged_by = who;
  e.updated_at = at;
  return transitions{make(e, at, who, transition_kind::acknowledged, handling_text(handling::new_),
                          handling_text(e.state), note)};
}

ledger_result<transitions> rectify(ledger_entry& e, std::string_view who, std::string_view note,
                                   core::time_point at) {
  if (auto bad = check_person(who)) return std::unexpected(*bad);
  if (e.state != handling::new_ && e.state != handling::acknowledged) {
    return std::unexpected(refuse(
        ledger_error::code::invalid_state,
        fmt::format("{} cannot be rectified: it is {}", display_id(e.id), to_string(e.state))));
  }
  if (is_blank(note)) {
    return std::unexpected(
        refuse(ledger_error::code::missing_note, "a rectification needs a note of what was done"));
  }
  const auto from = e.state;
  e.state = handling::rectified;
  e.rectified_at = at;
  e.rectified_by = who;
  e.rectification_note = note;
  e.updated_at = at;
  transitions out{make(e, at, who, transition_kind::rectified, handling_text(from),
                       handling_text(e.state), note)};
  if (e.kind == entry_kind::manual && e.cond == rules::condition::active) {
    e.cond = rules::condition::cleared;
    e.cleared_at = at;
    out.push_back(make(e, at, who, transition_kind::cleared, "active", "cleared",
                       "a manual hazard clears with its rectification"));
  }
  return out;
}

ledger_result<transitions> close(ledger_entry& e, std::string_view who, std::string_view note,
                                 core::time_point at) {
  if (auto bad = check_person(who)) return std::unexpected(*bad);
  if (e.state == handling::closed) {
    return std::unexpected(refuse(ledger_error::code::invalid_state,
                                  fmt::format("{} is already closed", display_id(e.id))));
  }
  if (e.cond == rules::condition::active) {
    return std::unexpected(refuse(
        ledger_error::code::condition_active,
        fmt::format("{} cannot be closed: its condition is still active", display_id(e.id))));
  }
  if (e.state != handling::rectified) {
    return std::unexpected(refuse(ledger_error::code::not_rectified,
                                  fmt::format("{} cannot be closed: it is {}, not rectified",
                                              display_id(e.id), to_string(e.state))));
  }
  if (is_blank(note)) {
    return std::unexpected(
        refuse(ledger_error::code::missing_note, "closing needs a verification note"));
  }
  if (who == e.rectified_by) {
    return std::unexpected(refuse(ledger_error::code::self_verification,
                                  "the verifier must not be the person who rectified"));
  }
  e.state = handling::closed;
  e.closed_at = at;
  e.closed_by = who;
  e.verification_note = note;
  e.updated_at = at;
  return transitions{make(e, at, who, transition_kind::closed, handling_text(handling::rectified),
                          handling_text(e.state), note)};
}

ledger_result<transitions> assign(ledger_entry& e, std::string_view who,
                                  std::string_view responsible,
                                  std::optional<core::time_point> deadline, core::time_point at) {
  if (auto bad = check_person(who)) return std::unexpected(*bad);
  if (!e.is_open()) {
    return std::unexpected(
        refuse(ledger_error::code::invalid_state, fmt::format("{} is closed", display_id(e.id))));
  }
  if (is_blank(responsible) && !deadline) {
    return std::unexpected(
        refuse(ledger_error::code::invalid_argument, "give a responsible person or a deadline"));
  }
  const auto describe = [](const ledger_entry& x) {
    return fmt::format("{} @ {}", x.responsible,
                       x.deadline ? std::to_string(core::to_epoch_ms(*x.deadline)) : "-");
  };
  const auto from = describe(e);
  if (!is_blank(responsible)) e.responsible = responsible;
  if (deadline) e.deadline = deadline;
  e.updated_at = at;
  return transitions{make(e, at, who, transition_kind::assigned, from, describe(e))};
}

ledger_result<transitions> add_note(ledger_entry& e, std::string_view who, std::string_view note,
                                    core::time_point at) {
  if (auto bad = check_person(who)) return std::unexpected(*bad);
  if (is_blank(note)) {
    return std::unexpected(refuse(ledger_error::code::missing_note, "the note is empty"));
  }
  return transitions{make(e, at, who, transition_kind::note, {}, {}, note)};
}

ledger_result<transitions> report(ledger_entry& e, std::string_view who, std::string_view note,
                                  core::time_point at) {
  if (auto bad = check_person(who)) return std::unexpected(*bad);
  if (is_blank(note)) {
    return std::unexpected(
        refuse(ledger_error::code::missing_note, "say what was reported, and to whom"));
  }
  return transitions{make(e, at, who, transition_kind::reported, {}, {}, note)};
}

ledger_result<transitions> notified(ledger_entry& e, std::string_view role,
                                    std::string_view target, std::string_view outcome,
                                    core::time_point at) {
  if (is_blank(target)) {
    return std::unexpected(refuse(ledger_error::code::invalid_argument, "no recipient"));
  }
  return transitions{make(e, at, system_actor, transition_kind::notified, std::string(role),
                          std::string(target), outcome)};
}

}  // namespace campus::alerts::lifecycle
