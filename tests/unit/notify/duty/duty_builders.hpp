// Small builders shared by the duty tests: instants from a zone's wall clock, and plan entries.
#pragma once

#include <date/tz.h>

#include <string>
#include <vector>

#include "core/reading.hpp"
#include "notify/duty/duty_plan.hpp"

namespace campus::notify::duty::testing {

// "2026-11-20 18:00" on the wall clock of `zone` → the instant (the earlier one if ambiguous).
inline core::time_point wall(const std::string& zone, const std::string& text) {
  std::istringstream in(text);
  date::local_time<std::chrono::minutes> local;
  in >> date::parse("%Y-%m-%d %H:%M", local);
  if (in.fail()) throw std::invalid_argument("bad wall time in a test: " + text);
  const auto sys = date::locate_zone(zone)->to_sys(local, date::choose::earliest);
  return std::chrono::time_point_cast<core::duration>(sys);
}

inline core::time_point shanghai(const std::string& text) { return wall("Asia/Shanghai", text); }

inline person someone(std::string id, std::vector<std::string> roles,
                      std::vector<std::string> sites) {
  return {id, "name of " + id, "+8613800000000", std::move(roles), std::move(sites)};
}

inline int minute(int h, int m = 0) { return h * 60 + m; }

inline weekly_shift shift(std::string site, std::string role, std::string who,
                          std::vector<int> days, int from, int to) {
  return {std::move(site), std::move(role), std::move(who), std::move(days), from, to};
}

inline date::sys_days day(int y, unsigned m, unsigned d) {
  return date::sys_days{date::year{y} / date::month{m} / date::day{d}};
}

template <typename container>
std::vector<std::string> ids_of(const container& people) {
  std::vector<std::string> out;
  for (const auto& p : people) out.push_back(p.id);
  return out;
}

}  // namespace campus::notify::duty::testing
