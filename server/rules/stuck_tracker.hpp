// A stuck rule bound to one device: a numeric value repeated exactly for `period` while
// readings keep arriving points at a frozen sensor. One alert per subject.
#pragma once

#include <string>

#include "core/reading.hpp"
#include "rules/pending_state.hpp"
#include "rules/subject_list.hpp"
#include "rules/tracker_context.hpp"

namespace campus::rules {

class stuck_tracker {
 public:
  // Raises on a reading that repeats the value `period` or more after it was first seen (so
  // a silent device is left to absence rules); any different value clears.
  void on_reading(const tracker_context& ctx, const core::reading& r);
  // Only applies window edges.
  void on_tick(const tracker_context& ctx);
  // Takes up the active alert `h` (restored after a restart): a different value clears it.
  void adopt(const tracker_context& ctx, alert_book::handle h);

  // Pending state (rule_engine::save_pending): each subject without an alert whose value has
  // been unchanged for save_after(period): the value and since when. A stuck alert is only
  // raised by a reading that repeats the value, so a taken-up run needs no confirming.
  void save(const pending_save_context& ctx) const;
  pending_outcome load(const pending_load_context& ctx, std::string_view subject,
                       const pending_fields& f);

 private:
  struct subject_state {
    double value = 0;
    core::time_point since;  // first arrival of `value` in the current run
    alert_book::handle alert = 0;
  };
  subject_list<subject_state> subjects_;
};

}  // namespace campus::rules
