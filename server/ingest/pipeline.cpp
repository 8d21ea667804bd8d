#include "ingest/pipeline.hpp"

#include <boost/json/parse.hpp>

namespace campus::ingest {

std::optional<topic_parts> split_topic(std::string_view topic, std::string_view prefix) {
  if (!prefix.empty()) {
    if (!topic.starts_with(prefix) || topic.size() <= prefix.size() ||
        topic[prefix.size()] != '/')
      return std::nullopt;
    topic.remove_prefix(prefix.size() + 1);
  }
  std::string_view parts[4];
  for (int i = 0; i < 4; ++i) {
    auto slash = topic.find('/');
    if (i < 3) {
      if (slash == std::string_view::npos) return std::nullopt;
      parts[i] = topic.substr(0, slash);
      topic.remove_prefix(slash + 1);
    } else {
      if (slash != std::string_view::npos) return std::nullopt;
      parts[i] = topic;
    }
    if (parts[i].empty()) return std::nullopt;
  }
  return topic_parts{parts[0], parts[1], parts[2], parts[3]};
}

std::vector<rules::device_profile> device_profiles(const config::district& d) {
  std::vector<rules::device_profile> out;
  out.reserve(d.devices.size());
  for (const auto& dev : d.devices) {
    const config::site* s = d.find_site(dev.site);
    const config::zone* z = s ? s->find_zone(dev.zone) : nullptr;
    out.push_back({dev.id, dev.site, dev.zone, z ? z->type : std::string(), dev.family,
                   s ? s->time_zone : std::string("Asia/Shanghai")});
  }
  return out;
}

namespace {
std::string subscription_prefix(std::string_view subscription) {
  if (subscription.ends_with("/#")) subscription.remove_suffix(2);
  if (subscription == "#") return {};
  return std::string(subscription);
}

// Shown in logs only: bounded, and with control characters replaced so a hostile payload
// cannot forge log lines.
std::string printable(std::string_view s, std::size_t limit = 96) {
  std::string out;
  for (char c : s.substr(0, limit)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  if (s.size() > limit) out += "…";
  return out;
}
}  // namespace

pipeline::pipeline(const config::district& d, const adapters::registry& registry,
                   rules::rule_engine& engine, live_state& state, core::metrics& metrics,
                   const core::clock& clock)
    : district_(d),
      engine_(engine),
      state_(state),
      metrics_(metrics),
      clock_(clock),
      prefix_(subscription_prefix(d.mqtt.subscription)),
      messages_in_(metrics.get("campus_messages_in_total")),
      readings_(metrics.get("campus_readings_total")),
      alerts_active_(metrics.get("campus_alerts_active")) {
  metrics.describe("campus_messages_in_total", "counter", "MQTT messages received");
  metrics.describe("campus_messages_rejected_total", "counter",
                   "MQTT messages refused, by reason");
  metrics.describe("campus_readings_total", "counter", "Normalised readings accepted");
  metrics.describe("campus_alerts_active", "gauge", "Alerts whose condition is active");
  metrics.describe("campus_alert_events_total", "counter", "Alert events, by kind");
  for (const char* reason :
       {"oversized", "bad_topic", "unknown_device", "topic_mismatch", "bad_stream",
        "timestamp_out_of_range", "malformed_json", "not_an_object", "missing_field",
        "bad_type", "not_finite", "bad_value", "bad_timestamp", "no_readings"}) {
    rejected_[reason] = &metrics.get("campus_messages_rejected_total",
                                     std::string("reason=\"") + reason + "\"");
  }
  for (const auto& dev : d.devices) {
    auto made = registry.make(dev.family, dev.options);
    // The configuration was validated with the same registry; failing here is a broken
    // invariant, not bad input.
    if (!made) {
      core::log(core::log_level::error, "device {}: {}", dev.id, made.error());
      std::abort();
    }
    devices_.emplace(dev.id, device_entry{&dev, std::move(*made)});
  }
  for (const auto& r : d.rules) rule_kinds_.emplace(r.id, r.kind);
}

void pipeline::reject(std::string_view reason, std::string_view topic, std::string_view detail) {
  auto it = rejected_.find(reason);
  if (it == rejected_.end()) {
    it = rejected_
             .emplace(std::string(reason),
                      &metrics_.get("campus_messages_rejected_total",
                                    "reason=\"" + printable(reason, 32) + "\""))
             .first;
  }
  it->second->inc();
  long suppressed = 0;
  if (reject_log_.allow(suppressed)) {
    core::log(core::log_level::warn, "rejected {} on {}: {}{}", reason, printable(topic),
              printable(detail, 160),
              suppressed ? fmt::format(" ({} similar messages not logged)", suppressed)
                         : std::string());
  }
}

std::optional<core::reading> pipeline::parse_status(const device_entry& d,
                                                    std::string_view payload,
                                                    core::time_point now) const {
  // A status is "online"/"offline", plain (a device's MQTT last will usually is) or JSON:
  // {"state":"offline"}, {"status":"offline"} or {"online":false}, with an optional ts.
  std::string state;
  core::time_point ts = now;
  auto trimmed = payload;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
    trimmed.remove_suffix(1);
  if (trimmed == "online" || trimmed == "offline") {
    state = std::string(trimmed);
  } else {
    boost::system::error_code ec;
    auto v = boost::json::parse(payload, ec);
    if (ec || !v.is_object()) return std::nullopt;
    const auto& o = v.as_object();
    for (const char* key : {"state", "status"}) {
      if (auto* s = o.if_contains(key); s && s->is_string()) state = std::string(s->as_string());
    }
    if (auto* b = o.if_contains("online"); b && b->is_bool())
      state = b->as_bool() ? "online" : "offline";
    if (auto* t = o.if_contains("ts"); t && t->is_int64()) ts = core::from_epoch_ms(t->as_int64());
    if (state != "online" && state != "offline") return std::nullopt;
  }
  return core::reading{d.config->site, d.config->zone, d.config->id, "status", {}, state, {}, ts};
}

void pipeline::on_message(std::string_view topic, std::string_view payload) {
  on_message(topic, payload, clock_.now());
}

void pipeline::on_message(std::string_view topic, std::string_view payload,
                          core::time_point arrived) {
  messages_in_.inc();
  auto readings = decode(topic, payload, arrived);
  if (!readings) return reject(readings.error().reason, topic, readings.error().detail);
  for (const auto& r : *readings) accept(r, arrived);
}

std::vector<core::reading> pipeline::readings_of(std::string_view topic, std::string_view payload,
                                                 core::time_point arrived) const {
  auto readings = decode(topic, payload, arrived);
  return readings ? std::move(*readings) : std::vector<core::reading>{};
}

std::expected<std::vector<core::reading>, pipeline::refusal> pipeline::decode(
    std::string_view topic, std::string_view payload, core::time_point arrived) const {
  const core::time_point now = arrived;
  if (payload.size() > district_.ingest.max_payload_bytes) {
    return std::unexpected(refusal{"oversized", fmt::format("{} bytes, limit {}", payload.size(),
                                                            district_.ingest.max_payload_bytes)});
  }
  auto parts = split_topic(topic, prefix_);
  if (!parts) {
    return std::unexpected(
        refusal{"bad_topic", "expected " + prefix_ + "/<site>/<zone>/<device>/<stream>"});
  }
  auto it = devices_.find(parts->device);
  if (it == devices_.end()) return std::unexpected(refusal{"unknown_device", "no such device configured"});
  const device_entry& dev = it->second;
  if (parts->site != dev.config->site || parts->zone != dev.config->zone) {
    return std::unexpected(refusal{
        "topic_mismatch", fmt::format("device {} belongs to {}/{}", dev.config->id,
                                      dev.config->site, dev.config->zone)});
  }

  std::vector<core::reading> readings;
  if (parts->stream == "status") {
    auto status = parse_status(dev, payload, now);
    if (!status) return std::unexpected(refusal{"bad_value", "status must be online or offline"});
    readings.push_back(std::move(*status));
  } else if (parts->stream == "telemetry" || parts->stream == "event") {
    adapters::context ctx{dev.config->site, dev.config->zone, dev.config->id, parts->stream, now};
    auto parsed = dev.adapter->parse(payload, ctx);
    if (!parsed) return std::unexpected(refusal{parsed.error().reason, parsed.error().detail});
    readings = std::move(*parsed);
  } else {
    return std::unexpected(refusal{"bad_stream", "stream must be telemetry, event or status"});
  }

  // A message is taken whole or not at all.
  for (const auto& r : readings) {
    if (r.ts < now - district_.ingest.max_past || r.ts > now + district_.ingest.max_future) {
      return std::unexpected(refusal{
          "timestamp_out_of_range", fmt::format("ts {} is {} ms from now", core::to_epoch_ms(r.ts),
                                                (r.ts - now).count())});
    }
  }
  return readings;
}

void pipeline::accept(const core::reading& r, core::time_point at) {
  readings_.inc();
  state_.apply(r, at);
  for (auto* s : sinks_) s->on_reading(r);
  publish(engine_.on_reading(r));
}

void pipeline::on_tick() { publish(engine_.on_tick()); }

void pipeline::publish(const std::vector<rules::alert_event>& events) {
  for (const auto& e : events) {
    state_.apply(e);
    metrics_.get("campus_alert_events_total",
                 std::string("event=\"") + rules::to_string(e.what) + "\"").inc();
    if (e.what == rules::alert_event::kind::raised) alerts_active_.set(alerts_active_.value() + 1);
    if (e.what == rules::alert_event::kind::cleared)
      alerts_active_.set(alerts_active_.value() - 1);

    // A device judged silent is shown offline at once, as if it had said so itself.
    auto kind = rule_kinds_.find(e.current.rule);
    if (e.what == rules::alert_event::kind::raised && kind != rule_kinds_.end() &&
        kind->second == rules::rule_kind::absence) {
      state_.mark_offline(e.current.device);
      core::reading status{e.current.site, e.current.zone, e.current.device, "status", {},
                           std::string("offline"), {}, clock_.now()};
      for (auto* s : sinks_) s->on_derived_reading(status);
    }
    for (auto* s : sinks_) s->on_alert(e);
    core::log(core::log_level::info, "alert {} {} {} {} on {}", rules::to_string(e.what),
              e.current.id, core::to_string(e.current.severity), e.current.rule,
              e.current.device);
  }
}

}  // namespace campus::ingest
