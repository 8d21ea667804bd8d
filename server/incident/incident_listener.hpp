// Who hears of each committed ledger change: the WebSocket hub. Called on the incident desk's
// strand, after the change is on disk; implementations must not block.
#pragma once

#include <string_view>
#include <vector>

#include "alerts/ledger_transition.hpp"
#include "incident/entry_view.hpp"

namespace campus::incident {

class incident_listener {
 public:
  virtual ~incident_listener() = default;
  // `event`: the kind of the last transition, "updated" (the value moved, nothing recorded)
  // or "escalated" (the escalation view changed). See docs/alerts.md.
  virtual void on_entry(const entry_view& view, std::string_view event,
                        const std::vector<alerts::ledger_transition>& transitions) = 0;
};

}  // namespace campus::incident
