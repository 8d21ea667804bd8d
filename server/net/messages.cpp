#include "net/messages.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

namespace campus::net::messages {

namespace json = boost::json;

namespace {

json::value time_json(const std::optional<core::time_point>& t) {
  if (!t) return nullptr;
  return core::to_epoch_ms(*t);
}

}  // namespace

json::value value_json(const core::reading_value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return json::string(*s);
  const double d = std::get<double>(v);
  if (!std::isfinite(d)) return nullptr;
  // Integral values print as integers ("4", not "4E0"); 2^53 keeps them exact in JavaScript.
  constexpr double exact_limit = 9007199254740992.0;
  if (std::trunc(d) == d && std::fabs(d) < exact_limit) return static_cast<std::int64_t>(d);
  return d;
}

json::object reading_json(const core::reading& r) {
  return {{"site", r.site},        {"zone", r.zone},
          {"device", r.device},    {"metric", r.metric},
          {"subject", r.subject},  {"value", value_json(r.value)},
          {"unit", r.unit},        {"ts", core::to_epoch_ms(r.ts)}};
}

json::object alert_json(const rules::alert& a) {
  json::value threshold = nullptr;
  if (a.threshold) threshold = value_json(*a.threshold);
  return {{"id", a.id},
          {"site", a.site},
          {"zone", a.zone},
          {"device", a.device},
          {"rule", a.rule},
          {"rule_name", a.rule_name},
          {"rule_name_en", a.rule_name_en},
          {"metric", a.metric},
          {"subject", a.subject},
          {"severity", core::to_string(a.severity)},
          {"condition", a.cond == rules::condition::active ? "active" : "cleared"},
          {"value", value_json(a.value)},
          {"threshold", threshold},
          {"raised_at", core::to_epoch_ms(a.raised_at)},
          {"updated_at", core::to_epoch_ms(a.updated_at)},
          {"cleared_at", time_json(a.cleared_at)}};
}

json::object device_json(const ingest::device_snapshot& d) {
  json::object values;
  for (const auto& [key, r] : d.values) {
    values[key] = json::object{{"metric", r.metric},
                               {"subject", r.subject},
                               {"value", value_json(r.value)},
                               {"unit", r.unit},
                               {"ts", core::to_epoch_ms(r.ts)}};
  }
  return {{"id", d.id},         {"site", d.site},
          {"zone", d.zone},     {"family", d.family},
          {"name", d.name},     {"name_en", d.name_en},
          {"status", d.status}, {"last_seen", time_json(d.last_seen)},
          {"values", std::move(values)}};
}

json::object district_json(const config::district& d) {
  return {{"id", d.id}, {"name", d.name}, {"name_en", d.name_en}};
}

json::array sites_json(const config::district& d, const auth::principal* who) {
  json::array sites;
  for (const auto& s : d.sites) {
    if (who && !who->may_see(s.id)) continue;
    json::array zones;
    for (const auto& z : s.zones) {
      zones.push_back(
          json::object{{"id", z.id}, {"type", z.type}, {"name", z.name}, {"name_en", z.name_en}});
    }
    sites.push_back(json::object{{"id", s.id},
                                 {"name", s.name},
                                 {"name_en", s.name_en},
                                 {"time_zone", s.time_zone},
                                 {"zones", std::move(zones)}});
  }
  return sites;
}

json::object school_json(const bureau::school_tally& t) {
  json::value worst = nullptr;
  if (t.worst) worst = core::to_string(*t.worst);
  return {{"site", t.site},
          {"worst", std::move(worst)},
          {"devices_total", t.devices_total},
          {"devices_online", t.devices_online},
          {"devices_offline", t.devices_offline},
          {"devices_alerting", t.devices_alerting},
          {"open", t.open},
          {"overdue", t.overdue},
          {"reports_overdue", t.reports_overdue},
          {"last_event", time_json(t.last_event)},
          {"problem", t.has_problem()}};
}

namespace {

json::array devices_json(const ingest::live_state& state,
                         const std::function<bool(std::string_view)>& wanted) {
  json::array devices;
  for (const auto& d : state.devices_of(wanted)) devices.push_back(device_json(d));
  return devices;
}

json::array ids_json(const std::vector<std::string>& ids) {
  json::array out;
  for (const auto& id : ids) out.push_back(json::string(id));
  return out;
}

}  // namespace

json::object snapshot_object(const ingest::live_state& state, const snapshot_scope& scope) {
  const auth::principal* who = scope.who;
  const auto& district = state.district();
  const auto visible = [&](std::string_view site) { return !who || who->may_see(site); };
  const auto watched = [&](std::string_view site) {
    if (!scope.watched) return visible(site);
    return std::find(scope.watched->begin(), scope.watched->end(), site) != scope.watched->end();
  };
  json::array watching;
  for (const auto& s : district.sites)
    if (watched(s.id)) watching.push_back(json::string(s.id));
  json::array schools;
  if (scope.schools) {
    for (const auto& t : *scope.schools)
      if (visible(t.site)) schools.push_back(school_json(t));
  }
  return json::object{{"type", "snapshot"},
                      {"district", district_json(district)},
                      {"sites", sites_json(district, who)},
                      {"watching", std::move(watching)},
                      {"devices", devices_json(state, watched)},
                      {"schools", std::move(schools)}};
}

std::string snapshot_message(const ingest::live_state& state, const auth::principal* who) {
  return snapshot_message(state, snapshot_scope{who, nullptr, nullptr});
}

std::string snapshot_message(const ingest::live_state& state, const snapshot_scope& scope) {
  auto snapshot = snapshot_object(state, scope);
  json::array alerts;
  for (const auto& a : state.active_alerts())
    if (!scope.who || scope.who->may_see(a.site)) alerts.push_back(alert_json(a));
  snapshot["alerts"] = std::move(alerts);
  return json::serialize(snapshot);
}

std::string watching_message(const ingest::live_state& state,
                             const std::vector<std::string>& sites) {
  const auto watched = [&](std::string_view site) {
    return std::find(sites.begin(), sites.end(), site) != sites.end();
  };
  return json::serialize(json::object{{"type", "watching"},
                                      {"sites", ids_json(sites)},
                                      {"devices", devices_json(state, watched)}});
}

std::string school_message(const bureau::school_tally& t) {
  return json::serialize(json::object{{"type", "school"}, {"school", school_json(t)}});
}

std::string reading_message(const core::reading& r) {
  return json::serialize(json::object{{"type", "reading"}, {"reading", reading_json(r)}});
}

std::string alert_message(const rules::alert_event& e) {
  return json::serialize(json::object{
      {"type", "alert"}, {"event", rules::to_string(e.what)}, {"alert", alert_json(e.current)}});
}

}  // namespace campus::net::messages
