#include "sim/site_clock.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace campus::sim {

bool local_moment::between(int from_minute, int to_minute) const {
  if (from_minute <= to_minute) return minute_of_day >= from_minute && minute_of_day < to_minute;
  return minute_of_day >= from_minute || minute_of_day < to_minute;
}

bool local_moment::inside(const rules::time_window& w) const {
  if (!w.weekdays.empty() &&
      std::find(w.weekdays.begin(), w.weekdays.end(), weekday) == w.weekdays.end()) {
    return false;
  }
  if (w.start_minute == 0 && w.end_minute >= 24 * 60) return true;
  return between(w.start_minute, w.end_minute);
}

std::string local_moment::to_string() const {
  static constexpr std::array<const char*, 7> names{"Mon", "Tue", "Wed", "Thu",
                                                    "Fri", "Sat", "Sun"};
  const int m = static_cast<int>(minute_of_day);
  return fmt::format("{} {:02}:{:02}", names[std::clamp(weekday, 1, 7) - 1], m / 60, m % 60);
}

std::expected<site_clock, std::string> site_clock::make(std::string_view time_zone) {
  try {
    return site_clock(date::locate_zone(time_zone), std::string(time_zone));
  } catch (const std::exception& e) {
    // The tz library reports an unknown zone (or a missing database) by throwing.
    return std::unexpected(fmt::format("unknown time zone \"{}\": {}", time_zone, e.what()));
  }
}

local_moment site_clock::at(core::time_point t) const {
  const auto local = date::make_zoned(zone_, t).get_local_time();
  const auto day = date::floor<date::days>(local);
  const auto since_midnight = local - day;
  local_moment m;
  m.weekday = static_cast<int>(date::weekday(day).iso_encoding());
  m.minute_of_day = std::chrono::duration<double, std::ratio<60>>(since_midnight).count();
  return m;
}

}  // namespace campus::sim
