#include "bureau/figures_json.hpp"

#include <boost/json/array.hpp>

#include <algorithm>

#include "alerts/ledger_entry.hpp"

namespace campus::bureau {

namespace json = boost::json;

namespace {

json::value rate(const std::optional<double>& r) {
  if (!r) return nullptr;
  return *r;
}

json::value instant(const std::optional<core::time_point>& t) {
  if (!t) return nullptr;
  return core::to_epoch_ms(*t);
}

json::value seconds(const std::optional<std::int64_t>& s) {
  if (!s) return nullptr;
  return *s;
}

json::object counts(const severity_counts& c) {
  return {{"blue", c.blue}, {"yellow", c.yellow}, {"orange", c.orange}, {"red", c.red},
          {"total", c.total}};
}

json::object ref(const entry_ref& e) {
  return {{"id", e.id},
          {"display_id", alerts::display_id(e.id)},
          {"site", e.site},
          {"title", e.title},
          {"title_en", e.title_en},
          {"severity", core::to_string(e.severity)},
          {"raised_at", core::to_epoch_ms(e.raised_at)},
          {"closed_at", instant(e.closed_at)},
          {"deadline", instant(e.deadline)}};
}

json::object ref_list(const std::vector<entry_ref>& list) {
  json::array a;
  for (const auto& e : list) a.push_back(ref(e));
  return {{"count", list.size()}, {"entries", std::move(a)}};
}

json::object durations(const duration_figures& d, const char* missing_key) {
  return {{"count", d.count},
          {"median_s", seconds(d.median_s())},
          {"p90_s", seconds(d.p90_s())},
          {missing_key, d.not_done}};
}

// The `limit` devices with the lowest availability (a device with none yet after those with
// one; then fewer readings; then id), for a district report: the CSV keeps them all.
std::vector<const device_availability*> worst_devices(const std::vector<device_availability>& all,
                                                      std::size_t limit) {
  std::vector<const device_availability*> out;
  out.reserve(all.size());
  for (const auto& d : all) out.push_back(&d);
  const auto worse = [](const device_availability* a, const device_availability* b) {
    if (a->availability.has_value() != b->availability.has_value()) return a->availability.has_value();
    if (a->availability && *a->availability != *b->availability) return *a->availability < *b->availability;
    if (a->readings != b->readings) return a->readings < b->readings;
    return a->device < b->device;
  };
  const std::size_t n = std::min(limit, out.size());
  std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), out.end(), worse);
  out.resize(n);
  return out;
}

void put_figures(json::object& o, const report_figures& f, bool district) {
  json::object by_family;
  for (const auto& [family, c] : f.alerts_by_family) {
    by_family[family.empty() ? "unknown" : family] = counts(c);
  }
  o["alerts"] = json::object{{"by_family", std::move(by_family)}, {"by_severity", counts(f.alerts)}};
  o["hazards_registered"] = counts(f.hazards_registered);
  o["acknowledge"] = durations(f.acknowledge, "not_acknowledged");
  o["close"] = durations(f.close, "not_closed");
  o["escalations"] = ref_list(f.escalations);
  const auto& r = f.report_deadline;
  o["report_deadline"] = json::object{{"required", r.required}, {"on_time", r.on_time},
                                      {"late", r.late},         {"missing", r.missing},
                                      {"pending", r.pending},   {"breaches", r.breaches()}};
  o["hazards"] = json::object{{"carried_in", ref_list(f.carried_in)},
                              {"carried_over", ref_list(f.carried_over)},
                              {"overdue", ref_list(f.overdue)}};
  // A school's report lists every device; the district's only the worst (a district of ten
  // thousand devices would be a page 300,000 px tall), with the count of all of them.
  std::vector<const device_availability*> listed;
  if (district) {
    listed = worst_devices(f.devices, district_devices_listed);
  } else {
    for (const auto& d : f.devices) listed.push_back(&d);
  }
  json::array devices;
  for (const auto* dp : listed) {
    const auto& d = *dp;
    devices.push_back(json::object{{"device", d.device},
                                   {"site", d.site},
                                   {"name", d.name},
                                   {"name_en", d.name_en},
                                   {"family", d.family},
                                   {"hours", d.hours},
                                   {"hours_heard", d.hours_heard},
                                   {"availability", rate(d.availability)},
                                   {"readings", d.readings}});
  }
  o["devices"] = std::move(devices);
  o["device_count"] = f.devices.size();
  o["devices_truncated"] = listed.size() < f.devices.size();
  o["availability"] = rate(f.availability);
  o["readings_stored"] = f.readings_stored;
}

json::object summary(const school_report& s) {
  const auto& f = s.figures;
  return {{"site", s.site},
          {"name", s.name},
          {"name_en", s.name_en},
          {"from", core::to_epoch_ms(s.month.from)},
          {"to", core::to_epoch_ms(s.month.to)},
          {"alerts", f.alerts.total},
          {"red", f.alerts.red},
          {"orange", f.alerts.orange},
          {"hazards_registered", f.hazards_registered.total},
          {"acknowledge_median_s", seconds(f.acknowledge.median_s())},
          {"close_median_s", seconds(f.close.median_s())},
          {"escalations", f.escalations.size()},
          {"report_breaches", f.report_deadline.breaches()},
          {"carried_over", f.carried_over.size()},
          {"overdue", f.overdue.size()},
          {"availability", rate(f.availability)},
          {"readings_stored", f.readings_stored}};
}

}  // namespace

json::object to_json(const compliance_figures& f) {
  json::array schools;
  for (const auto& s : f.schools) {
    json::array points;
    for (const auto& p : s.points) {
      const bool installed = p.status != point_status::not_installed;
      points.push_back(json::object{
          {"zone", p.zone},
          {"zone_name", p.zone_name},
          {"zone_name_en", p.zone_name_en},
          {"zone_type", p.zone_type},
          {"family", p.family},
          {"device", installed ? json::value(p.device) : json::value(nullptr)},
          {"device_name", installed ? json::value(p.device_name) : json::value(nullptr)},
          {"device_name_en", installed ? json::value(p.device_name_en) : json::value(nullptr)},
          {"status", to_string(p.status)},
          {"last_seen", instant(p.last_seen)}});
    }
    schools.push_back(json::object{{"site", s.site},
                                   {"name", s.name},
                                   {"name_en", s.name_en},
                                   {"required", s.required},
                                   {"installed", s.installed},
                                   {"reporting", s.reporting},
                                   {"rate", rate(s.rate)},
                                   {"below_target", s.below_target},
                                   {"points", std::move(points)}});
  }
  const auto& d = f.district;
  return {{"target", f.target_pct},
          {"reporting_window_s",
           std::chrono::duration_cast<std::chrono::seconds>(f.reporting_window).count()},
          {"generated_at", core::to_epoch_ms(f.generated_at)},
          {"district", json::object{{"required", d.required},
                                    {"reporting", d.reporting},
                                    {"rate", rate(d.rate)},
                                    {"schools_meeting_target", d.schools_meeting_target},
                                    {"schools", d.schools}}},
          {"schools", std::move(schools)}};
}

json::object to_json(const overview& o) {
  json::array schools;
  for (const auto& r : o.schools) {
    json::value last = nullptr;
    if (r.last_incident) {
      const auto& e = *r.last_incident;
      last = json::object{{"id", e.id},
                          {"display_id", alerts::display_id(e.id)},
                          {"title", e.title.empty() ? e.rule_name : e.title},
                          {"title_en", e.title.empty() ? e.rule_name_en : e.title},
                          // The peak, as every entry is shown (and the report counts it).
                          {"severity", core::to_string(e.max_severity)},
                          {"raised_at", core::to_epoch_ms(e.raised_at)},
                          {"state", alerts::to_string(e.state)}};
    }
    schools.push_back(json::object{
        {"site", r.site},
        {"name", r.name},
        {"name_en", r.name_en},
        {"worst_severity",
         r.worst_severity ? json::value(core::to_string(*r.worst_severity)) : json::value(nullptr)},
        {"open", r.open},
        {"overdue", r.overdue},
        {"reports_overdue", r.reports_overdue},
        {"devices_online", r.devices_online},
        {"devices_offline", r.devices_offline},
        {"devices_alerting", r.devices_alerting},
        {"devices_total", r.devices_total},
        {"points_required", r.points_required},
        {"points_reporting", r.points_reporting},
        {"compliance_rate", rate(r.compliance_rate)},
        {"last_incident", std::move(last)}});
  }
  return {{"generated_at", core::to_epoch_ms(o.generated_at)},
          {"target", o.target_pct},
          {"schools", std::move(schools)}};
}

json::object daily_json(double target_pct, const std::vector<daily_rate>& days) {
  json::array out;
  for (const auto& day : days) {
    json::object schools;
    for (const auto& [site, r] : day.schools) schools[site] = rate(r);
    out.push_back(json::object{
        {"date", to_string(day.date)}, {"district", rate(day.district)}, {"schools", std::move(schools)}});
  }
  return {{"target", target_pct}, {"days", std::move(out)}};
}

json::object to_json(const monthly_report& r) {
  json::object o;
  o["month"] = to_string(r.month);
  o["scope"] = r.district ? "district" : "school";
  o["site"] = r.district || r.schools.empty() ? json::value(nullptr) : json::value(r.schools[0].site);
  if (!r.district && !r.schools.empty()) {
    o["name"] = r.schools[0].name;
    o["name_en"] = r.schools[0].name_en;
    o["time_zone"] = r.schools[0].time_zone;
  }
  o["partial"] = r.partial;
  o["generated_at"] = core::to_epoch_ms(r.generated_at);
  o["from"] = core::to_epoch_ms(r.month_bounds.from);
  o["to"] = core::to_epoch_ms(r.month_bounds.to);
  put_figures(o, r.figures, r.district);
  json::array schools;
  if (r.district) {
    for (const auto& s : r.schools) schools.push_back(summary(s));
  }
  o["schools"] = std::move(schools);
  return o;
}

}  // namespace campus::bureau
