// Local time of a school, in its own time zone: daily patterns (meal times, lessons, after
// school) follow the clock on the school's wall, not UTC.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include "core/reading.hpp"
#include "rules/rule.hpp"

namespace date {
class time_zone;
}

namespace campus::sim {

struct local_moment {
  int weekday = 1;           // ISO: 1 = Monday … 7 = Sunday
  double minute_of_day = 0;  // minutes after local midnight, with fractions

  bool weekend() const { return weekday >= 6; }
  // True when the local time of day is in [from, to), both "HH:MM" as minutes after midnight;
  // to < from wraps past midnight.
  bool between(int from_minute, int to_minute) const;
  // Whether a rule's time window (days, time of day; seasons are ignored) holds now.
  bool inside(const rules::time_window& w) const;
  std::string to_string() const;  // "Wed 14:05"
};

// Minutes after midnight of "HH:MM", for readable constants: hm(6, 30).
constexpr int hm(int hours, int minutes) { return hours * 60 + minutes; }

class site_clock {
 public:
  // Fails on a time zone name the OS tz database does not know.
  static std::expected<site_clock, std::string> make(std::string_view time_zone);

  local_moment at(core::time_point t) const;
  const std::string& time_zone() const { return name_; }

 private:
  site_clock(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}

  const date::time_zone* zone_;  // owned by the tz database, lives for the whole program
  std::string name_;
};

}  // namespace campus::sim
