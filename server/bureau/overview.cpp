#include "bureau/overview.hpp"

namespace campus::bureau {

overview build_overview(const compliance_figures& compliance,
                        const std::vector<const school_tally*>& tallies,
                        const std::map<std::string, alerts::ledger_entry, std::less<>>& last,
                        core::time_point now) {
  overview out;
  out.generated_at = now;
  out.target_pct = compliance.target_pct;
  out.schools.reserve(compliance.schools.size());
  for (std::size_t i = 0; i < compliance.schools.size(); ++i) {
    const auto& c = compliance.schools[i];
    overview_row row;
    row.site = c.site;
    row.name = c.name;
    row.name_en = c.name_en;
    row.points_required = c.required;
    row.points_reporting = c.reporting;
    row.compliance_rate = c.rate;
    if (i < tallies.size() && tallies[i] && tallies[i]->site == c.site) {
      const school_tally& t = *tallies[i];
      row.worst_severity = t.worst;
      row.open = t.open;
      row.overdue = t.overdue;
      row.reports_overdue = t.reports_overdue;
      row.devices_online = t.devices_online;
      row.devices_offline = t.devices_offline;
      row.devices_alerting = t.devices_alerting;
      row.devices_total = t.devices_total;
    }
    if (auto it = last.find(c.site); it != last.end()) row.last_incident = it->second;
    out.schools.push_back(std::move(row));
  }
  return out;
}

}  // namespace campus::bureau
