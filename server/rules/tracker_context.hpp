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
};

}  // namespace campus::rules
