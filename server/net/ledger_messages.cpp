#include "net/ledger_messages.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "net/messages.hpp"

namespace campus::net::messages {

namespace json = boost::json;

namespace {

json::value time_or_null(const std::optional<core::time_point>& t) {
  if (!t) return nullptr;
  return core::to_epoch_ms(*t);
}

json::object notification_json(const notify::duty::notification& n) {
  return {{"step", n.step},
          {"severity", core::to_string(n.severity)},
          {"role", n.role},
          {"channel", notify::duty::to_string(n.via)},
          {"at", core::to_epoch_ms(n.at)},
          {"person", json::object{{"id", n.who.id}, {"name", n.who.name}}},
          {"nobody_on_duty", n.nobody_on_duty()}};
}

json::value escalation_json(const std::optional<incident::escalation_view>& e) {
  if (!e) return nullptr;
  json::array told;
  for (const auto& n : e->told) told.push_back(notification_json(n));
  json::value next = nullptr;
  if (e->next) {
    json::array roles, channels;
    for (const auto& r : e->next->roles) roles.push_back(json::string(r));
    for (auto c : e->next->channels) channels.push_back(json::string(notify::duty::to_string(c)));
    next = json::object{{"step", e->next->step},
                        {"severity", core::to_string(e->next->severity)},
                        {"at", core::to_epoch_ms(e->next->at)},
                        {"roles", std::move(roles)},
                        {"channels", std::move(channels)}};
  }
  return json::object{{"acknowledged", e->acknowledged}, {"told", std::move(told)},
                      {"next", std::move(next)}};
}

json::value report_json(const std::optional<incident::report_view>& r) {
  if (!r) return nullptr;
  return json::object{{"deadline", core::to_epoch_ms(r->deadline)},
                      {"reported_at", time_or_null(r->reported_at)},
                      {"reported_by", r->reported_by},
                      {"overdue", r->overdue},
                      {"late", r->late}};
}

json::value value_or_null(const std::optional<core::reading_value>& v) {
  if (!v) return nullptr;
  return value_json(*v);
}

}  // namespace

json::object entry_json(const incident::entry_view& v) {
  const alerts::ledger_entry& e = v.entry;
  json::value threshold = nullptr;
  if (e.threshold) threshold = value_json(*e.threshold);
  return {{"id", e.id},
          {"display_id", alerts::display_id(e.id)},
          {"kind", alerts::to_string(e.kind)},
          {"site", e.site},
          {"zone", e.zone},
          {"device", e.device},
          {"family", e.family},
          {"rule", e.rule},
          {"subject", e.subject},
          {"rule_name", e.rule_name},
          {"rule_name_en", e.rule_name_en},
          {"metric", e.metric},
          {"unit", v.unit},
          {"title", e.title},
          {"description", e.description},
          {"severity", core::to_string(e.severity)},
          {"max_severity", core::to_string(e.max_severity)},
          {"condition", alerts::to_string(e.cond)},
          {"state", alerts::to_string(e.state)},
          {"occurrences", e.occurrences},
          {"value", value_json(e.value)},
          // The value at raising and at the peak (max_severity); null when unknown.
          {"raised_value", value_or_null(e.raised_value)},
          {"peak_value", value_or_null(e.peak_value)},
          {"threshold", std::move(threshold)},
          {"raised_at", core::to_epoch_ms(e.raised_at)},
          {"updated_at", core::to_epoch_ms(e.updated_at)},
          {"cleared_at", time_or_null(e.cleared_at)},
          {"acknowledged_at", time_or_null(e.acknowledged_at)},
          {"acknowledged_by", e.acknowledged_by},
          {"rectified_at", time_or_null(e.rectified_at)},
          {"rectified_by", e.rectified_by},
          {"rectification_note", e.rectification_note},
          {"closed_at", time_or_null(e.closed_at)},
          {"closed_by", e.closed_by},
          {"verification_note", e.verification_note},
          {"responsible", e.responsible},
          {"deadline", time_or_null(e.deadline)},
          {"overdue", e.overdue},
          {"escalation", escalation_json(v.escalation)},
          {"report", report_json(v.report)},
          // false: announced while the ledger could not record it (docs/reliability.md); the
          // recorded entry replaces it, naming it in `replaces`.
          {"recorded", e.id > 0},
          {"replaces", v.replaces ? json::value(*v.replaces) : json::value(nullptr)}};
}

json::object transition_json(const alerts::ledger_transition& t) {
  return {{"id", t.id},     {"entry_id", t.entry_id},          {"at", core::to_epoch_ms(t.at)},
          {"who", t.who},   {"what", alerts::to_string(t.what)}, {"from", t.from},
          {"to", t.to},     {"note", t.note}};
}

std::string entry_message(const incident::entry_view& v, std::string_view event,
                          const std::vector<alerts::ledger_transition>& transitions) {
  json::array ts;
  for (const auto& t : transitions) ts.push_back(transition_json(t));
  return json::serialize(json::object{{"type", "alert"},
                                      {"event", event},
                                      {"alert", entry_json(v)},
                                      {"transitions", std::move(ts)}});
}

std::string snapshot_message(const ingest::live_state& state,
                             const std::vector<incident::entry_view>& open,
                             const auth::principal* who) {
  return snapshot_message(state, open, snapshot_scope{who, nullptr, nullptr});
}

std::string snapshot_message(const ingest::live_state& state,
                             const std::vector<incident::entry_view>& open,
                             const snapshot_scope& scope) {
  auto snapshot = snapshot_object(state, scope);
  json::array alerts;
  for (const auto& v : open)
    if (!scope.who || scope.who->may_see(v.entry.site)) alerts.push_back(entry_json(v));
  snapshot["alerts"] = std::move(alerts);
  return json::serialize(snapshot);
}

}  // namespace campus::net::messages
