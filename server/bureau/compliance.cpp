#include "bureau/compliance.hpp"

#include <unordered_map>

namespace campus::bureau {

std::string_view to_string(point_status s) {
  switch (s) {
    case point_status::reporting: return "reporting";
    case point_status::silent: return "silent";
    case point_status::not_installed: return "not_installed";
  }
  return "unknown";
}

std::optional<double> percent(double part, double whole) {
  if (whole <= 0) return std::nullopt;
  return 100.0 * part / whole;
}

compliance_plan::compliance_plan(const config::district& d) : d_(d) {
  // Devices grouped by site, zone and family in one pass; then each required family of each
  // zone looks its devices up instead of scanning the district.
  std::unordered_map<std::string, std::vector<std::size_t>> grouped;
  const auto key = [](std::string_view site, std::string_view zone, std::string_view family) {
    std::string k;
    k.reserve(site.size() + zone.size() + family.size() + 2);
    k.append(site).append(1, '\n').append(zone).append(1, '\n').append(family);
    return k;
  };
  for (std::size_t i = 0; i < d.devices.size(); ++i) {
    const auto& dev = d.devices[i];
    grouped[key(dev.site, dev.zone, dev.family)].push_back(i);
  }
  for (const auto& s : d.sites) {
    auto& points = by_site_[s.id];
    for (const auto& z : s.zones) {
      auto req = d.compliance.required.find(z.type);
      if (req == d.compliance.required.end()) continue;
      for (const auto& family : req->second) {
        auto it = grouped.find(key(s.id, z.id, family));
        if (it == grouped.end()) {
          points.push_back(planned_point{&z, &family, npos});
          continue;
        }
        for (std::size_t i : it->second) points.push_back(planned_point{&z, &family, i});
      }
    }
  }
}

const std::vector<compliance_plan::planned_point>* compliance_plan::planned(
    const config::site& s) const {
  auto it = by_site_.find(s.id);
  return it == by_site_.end() ? nullptr : &it->second;
}

compliance_point compliance_plan::point(const planned_point& p) const {
  compliance_point out{p.zone->id, p.zone->name, p.zone->name_en, p.zone->type, *p.family,
                       {},         {},           {},              point_status::not_installed,
                       std::nullopt};
  if (p.device != npos) {
    const auto& dev = d_.devices[p.device];
    out.device = dev.id;
    out.device_name = dev.name;
    out.device_name_en = dev.name_en;
    out.status = point_status::silent;  // until assess() hears from it
  }
  return out;
}

std::vector<compliance_point> compliance_plan::points_of(const config::site& s) const {
  std::vector<compliance_point> out;
  if (const auto* planned_points = planned(s)) {
    out.reserve(planned_points->size());
    for (const auto& p : *planned_points) out.push_back(point(p));
  }
  return out;
}

compliance_figures compliance_plan::assess(const std::vector<const config::site*>& sites,
                                           const std::vector<ingest::device_presence>& presence,
                                           core::time_point now) const {
  compliance_figures f;
  f.target_pct = d_.compliance.target_pct;
  f.reporting_window = d_.compliance.reporting_window;
  f.generated_at = now;
  f.schools.reserve(sites.size());
  for (const config::site* s : sites) {
    school_compliance school{s->id, s->name, s->name_en, 0, 0, 0, std::nullopt, false, {}};
    if (const auto* planned_points = planned(*s)) {
      school.points.reserve(planned_points->size());
      for (const auto& planned_point : *planned_points) {
        compliance_point p = point(planned_point);
        ++school.required;
        if (p.status != point_status::not_installed) {
          ++school.installed;
          if (planned_point.device < presence.size()) {
            const ingest::device_presence& dev = presence[planned_point.device];
            p.last_seen = dev.last_seen;
            // A last message stamped a little ahead of now (clock skew) still counts as recent.
            if (dev.last_seen && now - *dev.last_seen <= d_.compliance.reporting_window &&
                dev.status != ingest::device_status::offline) {
              p.status = point_status::reporting;
              ++school.reporting;
            }
          }
        }
        school.points.push_back(std::move(p));
      }
    }
    school.rate = percent(school.reporting, school.required);
    school.below_target = school.rate && *school.rate < f.target_pct;
    f.district.required += school.required;
    f.district.reporting += school.reporting;
    if (school.rate && *school.rate >= f.target_pct) ++f.district.schools_meeting_target;
    ++f.district.schools;
    f.schools.push_back(std::move(school));
  }
  f.district.rate = percent(f.district.reporting, f.district.required);
  return f;
}

}  // namespace campus::bureau
