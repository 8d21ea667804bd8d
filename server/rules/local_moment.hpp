// A moment as seen on a site's wall clock, reduced to what time windows test.
#pragma once

#include <vector>

#include "core/reading.hpp"
#include "rules/rule.hpp"

namespace date {
class time_zone;
}

namespace campus::rules {

struct local_moment {
  int minute = 0;          // minutes after local midnight
  int weekday = 1;         // ISO 1 = Monday … 7 = Sunday
  int month_day = 101;     // month * 100 + day
  int previous_weekday = 7;    // the day before, for the after-midnight part of a wrapped window
  int previous_month_day = 1231;

  // `zone` must be a zone from date::locate_zone; the conversion follows its DST rules.
  static local_moment at(const date::time_zone& zone, core::time_point t);
};

// A window that wraps past midnight (22:00–06:00) belongs to the day it starts on: Friday's
// 22:00–06:00 covers Saturday 03:00, and its weekday and season are tested against Friday.
bool within(const time_window& w, const local_moment& m);

// True when `windows` is empty (the rule always applies) or any window contains `m`.
bool within_any(const std::vector<time_window>& windows, const local_moment& m);

}  // namespace campus::rules
