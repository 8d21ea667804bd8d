#include "bureau/compliance.hpp"

#include <map>

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

std::vector<compliance_point> required_points(const config::district& d, const config::site& s) {
  std::vector<compliance_point> out;
  for (const auto& z : s.zones) {
    auto req = d.compliance.required.find(z.type);
    if (req == d.compliance.required.end()) continue;
    for (const auto& family : req->second) {
      compliance_point base{z.id, z.name, z.name_en, z.type, family, {}, {}, {},
                            point_status::not_installed, std::nullopt};
      bool any = false;
      for (const auto& dev : d.devices) {
        if (dev.site != s.id || dev.zone != z.id || dev.family != family) continue;
        compliance_point p = base;
        p.device = dev.id;
        p.device_name = dev.name;
        p.device_name_en = dev.name_en;
        p.status = point_status::silent;  // until assess() hears from it
        out.push_back(std::move(p));
        any = true;
      }
      if (!any) out.push_back(std::move(base));
    }
  }
  return out;
}

compliance_figures assess_compliance(const config::district& d,
                                     const std::vector<const config::site*>& sites,
                                     const std::vector<ingest::device_snapshot>& devices,
                                     core::time_point now) {
  std::map<std::string_view, const ingest::device_snapshot*> by_id;
  for (const auto& dev : devices) by_id[dev.id] = &dev;

  compliance_figures f;
  f.target_pct = d.compliance.target_pct;
  f.reporting_window = d.compliance.reporting_window;
  f.generated_at = now;
  for (const config::site* s : sites) {
    school_compliance school{s->id, s->name, s->name_en, 0, 0, 0, std::nullopt, false, {}};
    school.points = required_points(d, *s);
    for (auto& p : school.points) {
      ++school.required;
      if (p.status == point_status::not_installed) continue;
      ++school.installed;
      auto it = by_id.find(p.device);
      if (it == by_id.end()) continue;
      const ingest::device_snapshot& dev = *it->second;
      p.last_seen = dev.last_seen;
      // A last message stamped a little ahead of now (clock skew) still counts as recent.
      if (dev.last_seen && now - *dev.last_seen <= d.compliance.reporting_window &&
          dev.status != "offline") {
        p.status = point_status::reporting;
        ++school.reporting;
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
