// Compliance per day (docs/bureau.md, "Daily history"): for a school and a local date, the mean
// over the day's hours of (points whose device stored at least one reading in that hour) /
// (required points); the district's day is Σ reporting point-hours / Σ point-hours. A day that
// has begun counts only its hours begun by `now`; a day not begun has no rate.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bureau/hourly_activity.hpp"
#include "bureau/report_month.hpp"
#include "config/district.hpp"

namespace campus::bureau {

struct daily_rate {
  std::chrono::year_month_day date;
  std::optional<double> district;  // percent
  std::vector<std::pair<std::string, std::optional<double>>> schools;  // site → percent
};

// The instants the activity must cover for these days: the first day's earliest local
// midnight to the last day's latest, at most `now`.
span daily_range(const std::vector<const config::site*>& sites, std::chrono::year_month_day first,
                 std::chrono::year_month_day last, core::time_point now);

// One row per date from `first` to `last` inclusive.
std::vector<daily_rate> daily_compliance(const config::district& d,
                                         const std::vector<const config::site*>& sites,
                                         std::chrono::year_month_day first,
                                         std::chrono::year_month_day last,
                                         const hourly_activity& activity, core::time_point now);

}  // namespace campus::bureau
