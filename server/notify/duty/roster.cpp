#include "notify/duty/roster.hpp"

#include <date/tz.h>

#include <algorithm>

namespace campus::notify::duty {

namespace {

// An instant on a wall clock: the local calendar day, its ISO weekday and minute of the day.
struct wall_time {
  date::sys_days day;  // local date, counted like sys_days so it compares with override dates
  int weekday = 1;
  int minute = 0;
};

wall_time wall_time_at(const date::time_zone& zone, core::time_point t) {
  const auto local = zone.to_local(t);
  const auto local_day = date::floor<date::days>(local);
  wall_time w;
  w.day = date::sys_days{local_day.time_since_epoch()};
  w.weekday = static_cast<int>(date::weekday{local_day}.iso_encoding());
  w.minute = static_cast<int>(
      std::chrono::duration_cast<std::chrono::minutes>(local - local_day).count());
  return w;
}

int previous_weekday(int iso) { return iso == 1 ? 7 : iso - 1; }

bool has_day(const std::vector<int>& days, int iso) {
  return std::find(days.begin(), days.end(), iso) != days.end();
}

// Whether a daily window [start, end) that may wrap midnight covers `w`, given which days the
// window may start on. The part after midnight belongs to the day before.
template <typename starts_on>
bool window_covers(int start, int end, const wall_time& w, starts_on starts) {
  if (end > start) return starts(w.day, w.weekday) && w.minute >= start && w.minute < end;
  const auto yesterday = w.day - date::days{1};
  return (starts(w.day, w.weekday) && w.minute >= start) ||
         (starts(yesterday, previous_weekday(w.weekday)) && w.minute < end);
}

bool shift_covers(const weekly_shift& s, const wall_time& w) {
  return window_covers(s.start_minute, s.end_minute, w,
                       [&](date::sys_days, int iso) { return has_day(s.weekdays, iso); });
}

bool override_covers(const duty_override& o, const wall_time& w) {
  const auto in_range = [&](date::sys_days d, int) { return d >= o.first && d <= o.last; };
  if (!o.start_minute || !o.end_minute) return in_range(w.day, 0);
  return window_covers(*o.start_minute, *o.end_minute, w, in_range);
}

bool applies_to(const std::string& entry_site, std::string_view site) {
  return entry_site.empty() || entry_site == site;
}

}  // namespace

roster::roster(duty_plan plan) : plan_(std::move(plan)) {
  // locate_zone throws std::runtime_error for an unknown name: see the constructor's contract.
  district_zone_ = date::locate_zone(plan_.district_time_zone);
  for (const auto& [site, zone] : plan_.site_time_zones)
    zones_.emplace_back(site, date::locate_zone(zone));
}

const date::time_zone* roster::zone_of(std::string_view site) const {
  for (const auto& [id, zone] : zones_)
    if (id == site) return zone;
  return district_zone_;
}

std::vector<person> roster::on_duty(std::string_view site, std::string_view role,
                                    core::time_point t) const {
  const wall_time site_wall = wall_time_at(*zone_of(site), t);
  const wall_time district_wall = wall_time_at(*district_zone_, t);
  const auto wall_for = [&](const std::string& entry_site) -> const wall_time& {
    return entry_site.empty() ? district_wall : site_wall;
  };

  std::vector<const std::string*> ids;
  bool replaced = false;
  for (const auto& o : plan_.overrides) {
    if (o.what != duty_override::kind::replace || o.role != role) continue;
    if (!applies_to(o.site, site) || !override_covers(o, wall_for(o.site))) continue;
    replaced = true;
    ids.push_back(&o.person);
  }
  if (!replaced) {
    for (const auto& s : plan_.shifts) {
      if (s.role != role || !applies_to(s.site, site)) continue;
      if (shift_covers(s, wall_for(s.site))) ids.push_back(&s.person);
    }
  }
  for (const auto& o : plan_.overrides) {
    if (o.what != duty_override::kind::add || o.role != role) continue;
    if (applies_to(o.site, site) && override_covers(o, wall_for(o.site))) ids.push_back(&o.person);
  }

  std::vector<person> out;
  for (const std::string* id : ids) {
    const person* p = plan_.find_person(*id);
    if (!p) continue;  // duty_config rejects unknown ids; a hand-built plan may still hold one
    if (std::none_of(out.begin(), out.end(), [&](const person& q) { return q.id == p->id; }))
      out.push_back(*p);
  }
  return out;
}

std::vector<duty_assignment> roster::on_duty(std::string_view site, core::time_point t) const {
  std::vector<duty_assignment> out;
  for (auto role : known_roles)
    for (auto& p : on_duty(site, role, t)) out.push_back({std::string(role), std::move(p)});
  return out;
}

}  // namespace campus::notify::duty
