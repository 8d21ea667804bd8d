#include "bureau/daily_compliance.hpp"

#include <algorithm>
#include <set>

#include "bureau/compliance.hpp"

namespace campus::bureau {

namespace {

constexpr core::duration hour = std::chrono::hours{1};

// Hours of [from, end) in which `device` stored a reading (buckets mapped to the hour of the
// day they start in).
std::int64_t hours_heard(const hourly_activity& activity, const std::string& device,
                         core::time_point from, core::time_point end) {
  auto it = activity.find(device);
  if (it == activity.end()) return 0;
  // Buckets come in time order, so equal hours are adjacent: counted without a set.
  std::int64_t heard = 0;
  std::int64_t last_hour = -1;
  for (auto b = it->second.lower_bound(from); b != it->second.end() && b->first < end; ++b) {
    if (b->second <= 0) continue;
    const std::int64_t h = (b->first - from) / hour;
    if (h != last_hour) ++heard;
    last_hour = h;
  }
  return heard;
}

}  // namespace

span daily_range(const std::vector<const config::site*>& sites, std::chrono::year_month_day first,
                 std::chrono::year_month_day last, core::time_point now) {
  span out{core::time_point::max(), core::time_point::min()};
  for (const auto* s : sites) {
    out.from = std::min(out.from, day_span(first, s->time_zone).from);
    out.to = std::max(out.to, day_span(last, s->time_zone).to);
  }
  if (sites.empty()) out = {now, now};
  out.to = std::min(out.to, now);
  if (out.to < out.from) out.to = out.from;
  return out;
}

std::vector<daily_rate> daily_compliance(const config::district& d,
                                         const std::vector<const config::site*>& sites,
                                         std::chrono::year_month_day first,
                                         std::chrono::year_month_day last,
                                         const hourly_activity& activity, core::time_point now) {
  const compliance_plan plan(d);
  std::vector<std::pair<const config::site*, std::vector<compliance_point>>> points;
  for (const auto* s : sites) points.emplace_back(s, plan.points_of(*s));

  std::vector<daily_rate> out;
  for (std::chrono::sys_days day{first}; day <= std::chrono::sys_days{last};
       day += std::chrono::days{1}) {
    daily_rate row{std::chrono::year_month_day{day}, std::nullopt, {}};
    double district_heard = 0;
    double district_total = 0;
    for (const auto& [s, pts] : points) {
      const span local = day_span(row.date, s->time_zone);
      const core::time_point end = std::min(local.to, now);
      if (end <= local.from || pts.empty()) {
        row.schools.emplace_back(s->id, std::nullopt);
        continue;
      }
      // Hours begun: a partial last hour (today, up to now) counts as an hour.
      const std::int64_t hours = (end - local.from + hour - core::duration{1}) / hour;
      double heard = 0;
      for (const auto& p : pts) {
        if (p.status == point_status::not_installed) continue;
        heard += static_cast<double>(hours_heard(activity, p.device, local.from, end));
      }
      const double total = static_cast<double>(hours) * static_cast<double>(pts.size());
      row.schools.emplace_back(s->id, percent(heard, total));
      district_heard += heard;
      district_total += total;
    }
    row.district = percent(district_heard, district_total);
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace campus::bureau
