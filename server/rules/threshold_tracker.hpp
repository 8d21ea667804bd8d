// A threshold rule bound to one device: one alert per subject (usually the empty subject).
//
// Rises are reported at once. Falls and clears wait for the rule's `clear_after`: the alert's
// colour is the most severe level that held at some moment of the last `clear_after`, so a
// value hovering at a clear level keeps one alert at one colour instead of clearing and firing
// (or falling and rising) with every reading. A reading back over the level within the wait
// cancels the pending fall or clear: no event at all. The wait can end on a tick, without a
// reading. Outside the rule's time windows nothing holds, and the alert clears at once.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "core/reading.hpp"
#include "rules/pending_state.hpp"
#include "rules/subject_list.hpp"
#include "rules/threshold_state.hpp"
#include "rules/tracker_context.hpp"

namespace campus::rules {

class threshold_tracker {
 public:
  void on_reading(const tracker_context& ctx, const core::reading& r);
  void on_tick(const tracker_context& ctx);
  // Takes up the active alert `h` (restored after a restart) for its subject, its value fed
  // so that the levels' hysteresis starts where it was: the next reading that no longer holds
  // starts the wait to clear, one that still holds raises nothing new.
  void adopt(const tracker_context& ctx, alert_book::handle h);

  // Pending state (rule_engine::save_pending): each subject without an alert whose `for` wait
  // has run save_after(for): the levels that held, the last value, and since when.
  void save(const pending_save_context& ctx) const;
  // Takes a saved wait up again. From a file a crash may have left old (not exact), the wait
  // ends only on a reading of the subject: one that still holds resumes it where it stood
  // (raising at once when it has run out), one that does not ends it; a tick alone never
  // raises, since the level may have fallen in the seconds the file missed.
  pending_outcome load(const pending_load_context& ctx, std::string_view subject,
                       const pending_fields& f);

 private:
  struct subject_state {
    threshold_state levels;
    // Since when some level has held inside the rule's windows; `for` counts from here.
    std::optional<core::time_point> holding_since;
    alert_book::handle alert = 0;
    // While the alert is active: the colour that held at the last evaluation, and the last
    // moment each colour (blue … red) held. A colour last held `clear_after` ago is let go.
    std::optional<core::severity> held;
    // Taken up from a file a crash may have left old: waits for a reading before raising.
    bool unconfirmed = false;
    std::array<std::optional<core::time_point>, 4> last_held;
  };

  void evaluate(const tracker_context& ctx, const std::string& subject, subject_state& s);
  void clear(const tracker_context& ctx, subject_state& s);

  subject_list<subject_state> subjects_;
};

}  // namespace campus::rules
