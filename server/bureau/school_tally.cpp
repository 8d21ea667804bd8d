#include "bureau/school_tally.hpp"

#include <string_view>
#include <unordered_map>

namespace campus::bureau {

std::vector<school_tally> tally_schools(const config::district& d,
                                        const std::vector<ingest::device_presence>& presence,
                                        const std::vector<incident::entry_brief>& open,
                                        core::time_point now) {
  std::vector<school_tally> out(d.sites.size());
  std::unordered_map<std::string_view, std::size_t> index;
  index.reserve(d.sites.size());
  for (std::size_t i = 0; i < d.sites.size(); ++i) {
    out[i].site = d.sites[i].id;
    index.emplace(d.sites[i].id, i);
  }
  const auto school_of = [&](std::string_view site) -> school_tally* {
    auto it = index.find(site);
    return it == index.end() ? nullptr : &out[it->second];
  };

  // Consecutive devices mostly share a site: the last lookup is reused.
  std::string_view last_site;
  school_tally* school = nullptr;
  for (std::size_t i = 0; i < d.devices.size(); ++i) {
    const auto& dev = d.devices[i];
    if (!school || dev.site != last_site) {
      school = school_of(dev.site);
      last_site = dev.site;
    }
    if (!school) continue;
    ++school->devices_total;
    if (i >= presence.size()) continue;
    const auto& p = presence[i];
    if (p.status == ingest::device_status::online) ++school->devices_online;
    if (p.status == ingest::device_status::offline) ++school->devices_offline;
    if (p.alerting) ++school->devices_alerting;
  }

  for (const auto& e : open) {
    if (!e.is_open()) continue;
    school_tally* t = school_of(e.site);
    if (!t) continue;
    ++t->open;
    if (e.overdue_at(now)) ++t->overdue;
    if (e.report_deadline && !e.reported && now > *e.report_deadline) ++t->reports_overdue;
    if (e.cond == rules::condition::active && (!t->worst || e.severity > *t->worst)) {
      t->worst = e.severity;
    }
    if (!t->last_event || e.updated_at > *t->last_event) t->last_event = e.updated_at;
  }
  return out;
}

}  // namespace campus::bureau
