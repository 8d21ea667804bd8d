// The ledger's rules as pure functions: each checks whether a change is allowed, applies it to
// the entry and returns the transitions to record. No I/O and no clock: the caller passes the
// time, stores the result, and only then tells anyone. On refusal the entry is left untouched.
#pragma once

#include <string_view>
#include <vector>

#include "alerts/ledger_entry.hpp"
#include "alerts/ledger_error.hpp"
#include "alerts/ledger_request.hpp"
#include "alerts/ledger_transition.hpp"
#include "rules/alert.hpp"

namespace campus::alerts::lifecycle {

using transitions = std::vector<ledger_transition>;

// A new entry (id 0 until stored) for an alert that has no open entry, and its `raised`.
ledger_entry open_sensor_entry(const rules::alert& a, std::string family);
transitions raised(const ledger_entry& e);

// The same rule/device/subject fired again while `e` is open: occurrences + 1, condition
// active, a `refired` transition. A re-fire after rectification reopens the handling (back to
// acknowledged, or new if never acknowledged): the rectification evidently did not hold.
transitions refire(ledger_entry& e, const rules::alert& a);

// An `updated` event: the latest value is always kept; only a severity change is recorded.
// A rise while acknowledged or rectified (here and in refire) sends the handling back to new:
// the danger grew and must be acknowledged again, as the escalation policy demands.
transitions update(ledger_entry& e, const rules::alert& a);

// The engine cleared the alert. Clearing an already cleared entry records nothing.
transitions clear(ledger_entry& e, const rules::alert& a);

// A manual hazard: validated, then a new entry and its `registered`.
ledger_result<ledger_entry> open_manual_entry(const hazard_spec& spec, core::time_point at);
transitions registered(const ledger_entry& e, std::string_view reported_by);

// People's actions. `who` must not be blank.
ledger_result<transitions> acknowledge(ledger_entry& e, std::string_view who, std::string_view note,
                                       core::time_point at);
// From new or acknowledged, with a non-blank note. A manual hazard's condition clears with
// its rectification (there is no sensor to clear it).
ledger_result<transitions> rectify(ledger_entry& e, std::string_view who, std::string_view note,
                                   core::time_point at);
// Needs: condition cleared, handling rectified, a non-blank verification note, and a closer
// who is not the rectifier.
ledger_result<transitions> close(ledger_entry& e, std::string_view who, std::string_view note,
                                 core::time_point at);
// Sets the responsible person and/or deadline (either may be left as is by passing
// empty/nullopt, not both); refused once closed.
ledger_result<transitions> assign(ledger_entry& e, std::string_view who,
                                  std::string_view responsible,
                                  std::optional<core::time_point> deadline, core::time_point at);
// A remark on any entry, open or closed.
ledger_result<transitions> add_note(ledger_entry& e, std::string_view who, std::string_view note,
                                    core::time_point at);

// The one-hour report to the bureau was made; allowed on any entry, open or closed, and again
// (each report is recorded; the first one meets the deadline).
ledger_result<transitions> report(ledger_entry& e, std::string_view who, std::string_view note,
                                  core::time_point at);
// A message went (or failed to go) to a person: recorded by the system for the audit trail.
// `role` and `target` ("sms:person-id") must not be blank.
ledger_result<transitions> notified(ledger_entry& e, std::string_view role,
                                    std::string_view target, std::string_view outcome,
                                    core::time_point at);

// True when the text has something other than white space.
bool is_blank(std::string_view s);

}  // namespace campus::alerts::lifecycle
