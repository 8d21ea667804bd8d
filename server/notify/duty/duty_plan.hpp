// Who may be on duty and when: the people, their weekly shifts and the dated exceptions.
// Plain data, filled by duty_config.hpp (or by hand in tests) and queried through roster.hpp.
#pragma once

#include <date/date.h>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace campus::notify::duty {

// The fixed role names. bureau_duty_officer belongs to the district (区教育局值班员); the
// others to a school.
inline constexpr std::string_view duty_leader = "duty_leader";              // 值班领导
inline constexpr std::string_view safety_director = "safety_director";      // 安全负责人
inline constexpr std::string_view principal = "principal";                  // 校长
inline constexpr std::string_view bureau_duty_officer = "bureau_duty_officer";

inline constexpr std::array<std::string_view, 4> known_roles{duty_leader, safety_director,
                                                             principal, bureau_duty_officer};

constexpr bool is_known_role(std::string_view r) {
  for (auto k : known_roles)
    if (k == r) return true;
  return false;
}

struct person {
  std::string id;
  std::string name;
  std::string phone;                 // E.164, e.g. +8613800000000
  std::vector<std::string> roles;
  std::vector<std::string> sites;    // empty: a bureau person, any site

  bool is_bureau() const { return sites.empty(); }
  friend bool operator==(const person&, const person&) = default;
};

// A weekly shift on a site's wall clock. `end_minute <= start_minute` means the shift runs
// past midnight and belongs to the day it starts on: Friday 18:00–08:00 covers Saturday 03:00,
// and is listed under Friday in `weekdays`. start == end is a full 24 hours.
struct weekly_shift {
  std::string site;                  // empty: district-wide (the bureau's own shifts)
  std::string role;
  std::string person;                // a person id
  std::vector<int> weekdays;         // ISO 1 = Monday … 7 = Sunday
  int start_minute = 0;              // minutes after local midnight
  int end_minute = 24 * 60;          // 1..1440
};

// A dated exception on a site's wall clock: from `first` to `last` (whole local days, both
// included), optionally only within a daily window (which, like a shift, may wrap midnight and
// then belongs to the day it starts on). `replace` puts `person` on duty for `role` instead of
// whoever the weekly shifts name (holidays, swaps); `add` puts them on duty as well.
struct duty_override {
  enum class kind { replace, add };
  std::string site;                  // empty: district-wide
  std::string role;
  std::string person;
  date::sys_days first;              // a local calendar date, stored as days since epoch
  date::sys_days last;
  std::optional<int> start_minute;   // both set or both unset
  std::optional<int> end_minute;
  kind what = kind::replace;
};

struct duty_plan {
  std::vector<person> people;
  std::vector<weekly_shift> shifts;
  std::vector<duty_override> overrides;
  std::map<std::string, std::string, std::less<>> site_time_zones;  // site id → IANA zone
  std::string district_time_zone = "Asia/Shanghai";  // for district-wide shifts and overrides

  const person* find_person(std::string_view id) const {
    for (const auto& p : people)
      if (p.id == id) return &p;
    return nullptr;
  }
};

}  // namespace campus::notify::duty
