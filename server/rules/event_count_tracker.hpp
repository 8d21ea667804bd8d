// An event-count rule bound to one device: `count` matching events within a sliding `window`
// (N in M minutes, whatever other events come between them). Device-wide: no subjects.
#pragma once

#include <vector>

#include "core/reading.hpp"
#include "rules/pending_state.hpp"
#include "rules/tracker_context.hpp"

namespace campus::rules {

class event_count_tracker {
 public:
  // `r` is a matching event (the engine checked metric and state). Events outside the rule's
  // time windows are not counted. While the alert is active each further event reports
  // "updated" with the count now in the window; the severity stays the rule's.
  void on_reading(const tracker_context& ctx, const core::reading& r);

  // Clears after `quiet` (default: `window`) without a matching event, or at a window edge.
  // Clearing forgets the counted events, so raising again needs `count` fresh ones.
  void on_tick(const tracker_context& ctx);
  // Takes up the active alert `h` (restored after a restart): its last update counts as the
  // last event, so it clears after `quiet` without one.
  void adopt(const tracker_context& ctx, alert_book::handle h);

  // Pending state (rule_engine::save_pending), when no alert is active: every arrival in the
  // window, however recent. Unlike a duration, an arrival not saved would not make an alarm
  // late by a bounded time but forget an event; and they are few (a matching event is a
  // camera seeing something wrong, not a device reporting).
  void save(const pending_save_context& ctx) const;
  // Takes the arrivals up; the crash journal's replay of a message they already count
  // (tracker_context::replay_of_saved) is then not counted again.
  pending_outcome load(const pending_load_context& ctx, std::string_view subject,
                       const pending_fields& f);

 private:
  void forget_before(core::time_point now, core::duration window);

  // Arrival times inside the window, oldest first. A vector, not a deque: an empty deque
  // still allocates, and most devices bound to such a rule never see a matching event.
  std::vector<core::time_point> arrivals_;
  alert_book::handle alert_ = 0;
  bool taken_up_ = false;  // arrivals came from load()
};

}  // namespace campus::rules
