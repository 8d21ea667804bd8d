// Calendar spans in a school's time zone: a report month ("YYYY-MM") and a local date's day,
// each from local midnight to the next local midnight (date/tz, so a DST day has 23 or 25 h).
#pragma once

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

#include "core/reading.hpp"

namespace campus::bureau {

struct span {
  core::time_point from{};  // inclusive
  core::time_point to{};    // exclusive
};

// Why a month cannot be reported; `code` is the API's error code.
struct month_error {
  std::string code;  // "bad_month" or "future_month"
  std::string message;
};

// "2026-11" → 2026y/November. Strictly YYYY-MM (four-digit year 2000–2999, month 01–12).
std::expected<std::chrono::year_month, month_error> parse_month(std::string_view text);
// "2026-11-05" → that date; strictly YYYY-MM-DD and a real date.
std::expected<std::chrono::year_month_day, std::string> parse_date(std::string_view text);

// Local midnight of the month's first day to local midnight of the next month's, in `tz`
// (an IANA name the configuration has already checked).
span month_span(std::chrono::year_month m, const std::string& tz);
// Local midnight of `day` to local midnight of the next day, in `tz`.
span day_span(std::chrono::year_month_day day, const std::string& tz);
// The local date of `t` in `tz`.
std::chrono::year_month_day local_date(core::time_point t, const std::string& tz);

// "2026-11"
std::string to_string(std::chrono::year_month m);
// "2026-11-05"
std::string to_string(std::chrono::year_month_day d);

}  // namespace campus::bureau
