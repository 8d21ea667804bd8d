#include "rules/local_moment.hpp"

#include <algorithm>

#include <date/tz.h>

namespace campus::rules {

namespace {

int month_day_of(date::local_days d) {
  const date::year_month_day ymd{d};
  return static_cast<int>(static_cast<unsigned>(ymd.month())) * 100 +
         static_cast<int>(static_cast<unsigned>(ymd.day()));
}

bool in_season(const time_window& w, int month_day) {
  if (!w.season_from && !w.season_to) return true;
  const int from = w.season_from.value_or(101);
  const int to = w.season_to.value_or(1231);
  if (from <= to) return month_day >= from && month_day <= to;
  return month_day >= from || month_day <= to;  // wraps past new year: 1101–0301
}

bool on_weekday(const time_window& w, int weekday) {
  return w.weekdays.empty() ||
         std::find(w.weekdays.begin(), w.weekdays.end(), weekday) != w.weekdays.end();
}

}  // namespace

local_moment local_moment::at(const date::time_zone& zone, core::time_point t) {
  const auto local = zone.to_local(t);
  const auto day = date::floor<date::days>(local);
  const auto previous = day - date::days{1};
  local_moment m;
  m.minute = static_cast<int>(date::floor<std::chrono::minutes>(local - day).count());
  m.weekday = static_cast<int>(date::weekday{day}.iso_encoding());
  m.month_day = month_day_of(day);
  m.previous_weekday = static_cast<int>(date::weekday{previous}.iso_encoding());
  m.previous_month_day = month_day_of(previous);
  return m;
}

bool within(const time_window& w, const local_moment& m) {
  const int start = w.start_minute;
  const int end = w.end_minute;
  if (start <= end) {
    // [start, end) on the same day; start == end is an empty window.
    return m.minute >= start && m.minute < end && on_weekday(w, m.weekday) &&
           in_season(w, m.month_day);
  }
  if (m.minute >= start) return on_weekday(w, m.weekday) && in_season(w, m.month_day);
  if (m.minute < end) {
    return on_weekday(w, m.previous_weekday) && in_season(w, m.previous_month_day);
  }
  return false;
}

bool within_any(const std::vector<time_window>& windows, const local_moment& m) {
  if (windows.empty()) return true;
  return std::any_of(windows.begin(), windows.end(),
                     [&](const time_window& w) { return within(w, m); });
}

}  // namespace campus::rules
