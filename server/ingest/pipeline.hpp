// One MQTT message from the broker to everyone who needs it:
//   topic → device (registry) → adapter → checks → live state → rule engine → sinks.
//
// Untrusted input never throws here: every refusal is counted by reason in
// campus_messages_rejected_total{reason=...} and logged at a bounded rate. Not thread-safe:
// the application calls it from one strand (the MQTT client's).
#pragma once

#include <expected>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/registry.hpp"
#include "config/district.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "ingest/event_sink.hpp"
#include "ingest/live_state.hpp"
#include "rules/rule_engine.hpp"

namespace campus::ingest {

// The parts of a topic campus/<site>/<zone>/<device>/<stream>.
struct topic_parts {
  std::string_view site;
  std::string_view zone;
  std::string_view device;
  std::string_view stream;
};

// Splits a topic under `prefix` (the subscription without its trailing "/#"); nullopt when the
// topic does not have exactly the expected shape.
std::optional<topic_parts> split_topic(std::string_view topic, std::string_view prefix);

// The rule engine's view of the configured devices.
std::vector<rules::device_profile> device_profiles(const config::district& d);

class pipeline {
 public:
  pipeline(const config::district& d, const adapters::registry& registry,
           rules::rule_engine& engine, live_state& state, core::metrics& metrics,
           const core::clock& clock);

  // Sinks are told of every accepted reading and every alert event, in order.
  void add_sink(event_sink& sink) { sinks_.push_back(&sink); }

  void on_message(std::string_view topic, std::string_view payload);
  // The same, as if it arrived at `arrived` (the clock's now for a live message): a payload
  // without a ts is stamped with it, and the accepted ts range is counted from it. The crash
  // journal's replay at start passes the first arrival, so a replayed message makes the same
  // readings as the first time.
  void on_message(std::string_view topic, std::string_view payload, core::time_point arrived);

  // The readings a message makes, as on_message(topic, payload, arrived) would accept them,
  // and nothing else: no live state, no rules, no sinks, no counting (none for a message it
  // would refuse). For history read back from the crash journal.
  std::vector<core::reading> readings_of(std::string_view topic, std::string_view payload,
                                         core::time_point arrived) const;

  // Lets time-driven rules (absence, `for`, windows) act. Call about once a second.
  void on_tick();

 private:
  struct device_entry {
    const config::device* config;
    std::unique_ptr<adapters::adapter> adapter;
  };

  struct refusal {
    std::string reason;  // campus_messages_rejected_total's label
    std::string detail;
  };

  std::expected<std::vector<core::reading>, refusal> decode(std::string_view topic,
                                                            std::string_view payload,
                                                            core::time_point arrived) const;
  void reject(std::string_view reason, std::string_view topic, std::string_view detail);
  void accept(const core::reading& r, core::time_point at);
  void publish(const std::vector<rules::alert_event>& events);
  std::optional<core::reading> parse_status(const device_entry& d, std::string_view payload,
                                            core::time_point now) const;

  const config::district& district_;
  rules::rule_engine& engine_;
  live_state& state_;
  core::metrics& metrics_;
  const core::clock& clock_;
  std::string prefix_;
  std::map<std::string, device_entry, std::less<>> devices_;
  std::map<std::string, rules::rule_kind, std::less<>> rule_kinds_;
  std::vector<event_sink*> sinks_;
  core::metrics::counter& messages_in_;
  core::metrics::counter& readings_;
  core::metrics::counter& alerts_active_;
  std::map<std::string, core::metrics::counter*, std::less<>> rejected_;
  core::log_rate_limiter reject_log_;
};

}  // namespace campus::ingest
