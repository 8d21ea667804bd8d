// A stuck rule bound to one device: a numeric value repeated exactly for `period` while
// readings keep arriving points at a frozen sensor. One alert per subject.
#pragma once

#include <string>

#include "core/reading.hpp"
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

 private:
  struct subject_state {
    double value = 0;
    core::time_point since;  // first arrival of `value` in the current run
    alert_book::handle alert = 0;
  };
  subject_list<subject_state> subjects_;
};

}  // namespace campus::rules
