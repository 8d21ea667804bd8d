// Reading an entry's escalation back out of its ledger transitions: what a restart replays
// into the escalation tracker, and the report deadline of entries it no longer follows.
// Pure functions.
#pragma once

#include <vector>

#include "alerts/ledger_entry.hpp"
#include "alerts/ledger_transition.hpp"
#include "incident/entry_view.hpp"
#include "notify/duty/escalation_tracker.hpp"

namespace campus::incident {

// The tracker's id for a ledger entry: its display id, "A-000017".
std::string tracker_id(const alerts::ledger_entry& e);

// The escalation record of `e` from its transitions (oldest first): the colour it was raised
// or registered with, each later colour change, each acknowledgement, the last clearing while
// cleared, and the first report. If the transitions end on another colour than the entry's
// current one (a re-fire after rectification records handling, not colour), a change to the
// current colour is added at the entry's last update.
notify::duty::escalation_record record_of(const alerts::ledger_entry& e,
                                          const std::vector<alerts::ledger_transition>& ts);

// Up to when the previous process had sent the entry's escalation steps: its last `notified`
// transition, or just before it was raised when there is none, so that a step falling due
// while the server was down (or an SMS cut off by a crash) goes out on restart rather than
// never. A repeated message is the price of never missing one.
core::time_point sent_until_of(const alerts::ledger_entry& e,
                               const std::vector<alerts::ledger_transition>& ts);

// The report view of a record at `now`; nullopt when it never reached orange or red.
std::optional<report_view> report_of(const notify::duty::escalation_record& r,
                                     core::time_point now);

}  // namespace campus::incident
