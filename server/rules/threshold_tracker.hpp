// A threshold rule bound to one device: one alert per subject (usually the empty subject).
#pragma once

#include <optional>
#include <string>

#include "core/reading.hpp"
#include "rules/subject_list.hpp"
#include "rules/threshold_state.hpp"
#include "rules/tracker_context.hpp"

namespace campus::rules {

class threshold_tracker {
 public:
  void on_reading(const tracker_context& ctx, const core::reading& r);
  void on_tick(const tracker_context& ctx);

 private:
  struct subject_state {
    threshold_state levels;
    // Since when some level has held inside the rule's windows; `for` counts from here.
    std::optional<core::time_point> holding_since;
    alert_book::handle alert = 0;
  };

  void evaluate(const tracker_context& ctx, const std::string& subject, subject_state& s);

  subject_list<subject_state> subjects_;
};

}  // namespace campus::rules
