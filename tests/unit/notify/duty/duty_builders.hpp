// Small builders shared by the duty tests: instants from a zone's wall clock, and plan entries.
#pragma once

#include <date/tz.h>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/reading.hpp"
#include "notify/duty/duty_plan.hpp"

namespace campus::notify::duty::testing {

// "2026-11-20 18:00" on the wall clock of `zone` → the instant (the earlier one if ambiguous).
// (Read by hand: date::parse trips GCC 12's -Wmaybe-uninitialized at -O2.)
inline core::time_point wall(const std::string& zone, const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%d %d:%d%c", &y, &mo, &d, &h, &mi, &tail) != 5)
    throw std::invalid_argument("bad wall time in a test: " + text);
  const date::local_time<std::chrono::minutes> local =
      date::local_days{date::year{y} / date::month{static_cast<unsigned>(mo)} /
                       date::day{static_cast<unsigned>(d)}} +
      std::chrono::hours{h} + std::chrono::minutes{mi};
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
