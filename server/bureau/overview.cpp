#include "bureau/overview.hpp"

namespace campus::bureau {

overview build_overview(const compliance_figures& compliance,
                        const std::vector<ingest::device_snapshot>& devices,
                        const std::vector<incident::entry_view>& open,
                        const std::map<std::string, alerts::ledger_entry>& last,
                        core::time_point now) {
  overview out;
  out.generated_at = now;
  for (const auto& c : compliance.schools) {
    overview_row row;
    row.site = c.site;
    row.name = c.name;
    row.name_en = c.name_en;
    row.points_required = c.required;
    row.points_reporting = c.reporting;
    row.compliance_rate = c.rate;
    for (const auto& d : devices) {
      if (d.site != c.site) continue;
      ++row.devices_total;
      if (d.status == "online") ++row.devices_online;
    }
    for (const auto& v : open) {
      const auto& e = v.entry;
      if (e.site != c.site || !e.is_open()) continue;
      ++row.open;
      if (e.overdue_at(now)) ++row.overdue;
      if (v.report && !v.report->reported_at && now > v.report->deadline) ++row.reports_overdue;
      if (e.cond == rules::condition::active &&
          (!row.worst_severity || e.severity > *row.worst_severity)) {
        row.worst_severity = e.severity;
      }
    }
    if (auto it = last.find(c.site); it != last.end()) row.last_incident = it->second;
    out.schools.push_back(std::move(row));
  }
  return out;
}

}  // namespace campus::bureau
