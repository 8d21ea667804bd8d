#include "bureau/report_month.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <cctype>

namespace campus::bureau {

namespace {

bool digits(std::string_view s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

int number(std::string_view s) {
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

// Local midnight of `day` in `tz` as an instant. A midnight skipped by a DST jump maps to the
// first instant after it (choose::latest handles the ambiguous case).
core::time_point midnight(std::chrono::year_month_day day, const std::string& tz) {
  const auto* zone = date::locate_zone(tz);
  date::local_days local{date::year_month_day{date::year{int(day.year())},
                                              date::month{unsigned(day.month())},
                                              date::day{unsigned(day.day())}}};
  date::local_time<std::chrono::milliseconds> at{local.time_since_epoch()};
  try {
    return core::time_point{zone->to_sys(at, date::choose::earliest).time_since_epoch()};
  } catch (const date::nonexistent_local_time&) {
    auto info = zone->get_info(at);
    return core::time_point{
        std::chrono::duration_cast<core::duration>(info.second.begin.time_since_epoch())};
  }
}

}  // namespace

std::expected<std::chrono::year_month, month_error> parse_month(std::string_view text) {
  const month_error bad{"bad_month",
                        fmt::format("'month' must be YYYY-MM, e.g. 2026-11; got '{}'", text)};
  if (text.size() != 7 || text[4] != '-' || !digits(text.substr(0, 4)) ||
      !digits(text.substr(5, 2))) {
    return std::unexpected(bad);
  }
  const int y = number(text.substr(0, 4));
  const int m = number(text.substr(5, 2));
  if (y < 2000 || y > 2999 || m < 1 || m > 12) return std::unexpected(bad);
  return std::chrono::year{y} / std::chrono::month{static_cast<unsigned>(m)};
}

std::expected<std::chrono::year_month_day, std::string> parse_date(std::string_view text) {
  const std::string bad = fmt::format("must be a date YYYY-MM-DD; got '{}'", text);
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !digits(text.substr(0, 4)) ||
      !digits(text.substr(5, 2)) || !digits(text.substr(8, 2))) {
    return std::unexpected(bad);
  }
  std::chrono::year_month_day d{std::chrono::year{number(text.substr(0, 4))},
                                std::chrono::month{static_cast<unsigned>(number(text.substr(5, 2)))},
                                std::chrono::day{static_cast<unsigned>(number(text.substr(8, 2)))}};
  if (!d.ok() || int(d.year()) < 2000 || int(d.year()) > 2999) return std::unexpected(bad);
  return d;
}

span month_span(std::chrono::year_month m, const std::string& tz) {
  const auto next = m + std::chrono::months{1};
  return {midnight(m / std::chrono::day{1}, tz), midnight(next / std::chrono::day{1}, tz)};
}

span day_span(std::chrono::year_month_day day, const std::string& tz) {
  const std::chrono::year_month_day next{std::chrono::sys_days{day} + std::chrono::days{1}};
  return {midnight(day, tz), midnight(next, tz)};
}

std::chrono::year_month_day local_date(core::time_point t, const std::string& tz) {
  const auto* zone = date::locate_zone(tz);
  auto local = zone->to_local(date::sys_time<std::chrono::milliseconds>{t.time_since_epoch()});
  auto days = date::floor<date::days>(local);
  return std::chrono::year_month_day{std::chrono::sys_days{days.time_since_epoch()}};
}

std::string to_string(std::chrono::year_month m) {
  return fmt::format("{:04}-{:02}", int(m.year()), unsigned(m.month()));
}

std::string to_string(std::chrono::year_month_day d) {
  return fmt::format("{:04}-{:02}-{:02}", int(d.year()), unsigned(d.month()), unsigned(d.day()));
}

}  // namespace campus::bureau
