// What a tracker (one rule bound to one device) needs for one evaluation step.
#pragma once

#include <vector>

#include "rules/alert.hpp"
#include "rules/alert_book.hpp"
#include "rules/rule.hpp"

namespace campus::rules {

struct device_profile;

struct tracker_context {
  const rule_def& rule;
  const device_profile& device;
  core::time_point now;
  bool in_window;  // now lies inside one of the rule's time windows (or it has none)
  alert_book& book;
  std::vector<alert_event>& out;
  // The reading is a message the crash journal hands again that had arrived before the pending
  // state taken up by rule_engine::load_pending was saved: that state already counts it.
  bool replay_of_saved = false;
};

}  // namespace campus::rules
