// The JSON of the hazard ledger as dashboards meet it, on the WebSocket and in the HTTP API
// alike (docs/alerts.md): an entry with its escalation and report, a transition, and the
// `alert` message sent after each committed change.
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "alerts/ledger_transition.hpp"
#include "auth/principal.hpp"
#include "incident/entry_view.hpp"
#include "ingest/live_state.hpp"
#include "net/messages.hpp"

namespace campus::net::messages {

// docs/alerts.md "entry_view".
boost::json::object entry_json(const incident::entry_view& v);

// {"id","entry_id","at","who","what","from","to","note"}
boost::json::object transition_json(const alerts::ledger_transition& t);

// {"type":"alert","event":KIND,"alert":entry,"transitions":[..]}
std::string entry_message(const incident::entry_view& v, std::string_view event,
                          const std::vector<alerts::ledger_transition>& transitions);

// The snapshot with the ledger's open entries as its "alerts" (oldest first).
std::string snapshot_message(const ingest::live_state& state,
                             const std::vector<incident::entry_view>& open,
                             const auth::principal* who = nullptr);
// The same for a client's watch set and with the schools' tallies (messages::snapshot_scope).
std::string snapshot_message(const ingest::live_state& state,
                             const std::vector<incident::entry_view>& open,
                             const snapshot_scope& scope);

}  // namespace campus::net::messages
