// MQTT messages with arbitrary topics and payloads through the ingest pipeline of the sample
// district, as the broker hands them to the server: each message is taken whole (its readings
// reach live state and the sinks) or refused and counted once under a reason; what reaches the
// sinks is a reading of a configured device, stamped with that device's site and zone, finite,
// and inside the accepted time window; every WebSocket message made from it is valid JSON.
//
// Input: up to 8 messages as topic NUL payload NUL topic NUL payload ... (MQTT topics cannot
// hold NUL; payloads with NUL bytes are the adapter target's). The clock moves one second and
// the rules tick between messages. A fresh pipeline per input keeps crashes reproducible.
#include <boost/json/parse.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/registry.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "fuzz_check.hpp"
#include "ingest/event_sink.hpp"
#include "ingest/live_state.hpp"
#include "ingest/pipeline.hpp"
#include "net/messages.hpp"
#include "rules/rule_engine.hpp"
#include "sample_district.hpp"

namespace campus::fuzz {
namespace {

void check_json(const std::string& text, std::string_view what) {
  boost::system::error_code ec;
  (void)boost::json::parse(text, ec);
  check(!ec, std::string(what) + " is not valid JSON (" + ec.message() + "): " + text.substr(0, 300));
}

// What the WebSocket hub would do with each event, plus the checks.
class checking_sink final : public ingest::event_sink {
 public:
  checking_sink(const config::district& d, const core::clock& clock) : d_(d), clock_(clock) {}

  void on_reading(const core::reading& r) override {
    ++readings;
    const config::device* dev = d_.find_device(r.device);
    check(dev != nullptr, "a reading of an unconfigured device reached the sinks");
    check(r.site == dev->site && r.zone == dev->zone,
          "a reading stamped with another site or zone than its device's");
    if (r.is_number()) check(std::isfinite(r.number()), "a non-finite reading reached the sinks");
    const auto now = clock_.now();
    check(r.ts >= now - d_.ingest.max_past && r.ts <= now + d_.ingest.max_future,
          "a reading outside the accepted time window reached the sinks");
    check_json(net::messages::reading_message(r), "a reading message");
  }

  void on_alert(const rules::alert_event& e) override {
    check_json(net::messages::alert_message(e), "an alert message");
  }

  std::int64_t readings = 0;

 private:
  const config::district& d_;
  const core::clock& clock_;
};

std::int64_t rejected_total(core::metrics& m) {
  std::int64_t n = 0;
  for (const char* reason :
       {"oversized", "bad_topic", "unknown_device", "topic_mismatch", "bad_stream",
        "timestamp_out_of_range", "malformed_json", "not_an_object", "missing_field", "bad_type",
        "not_finite", "bad_value", "bad_timestamp", "no_readings"}) {
    n += m.get("campus_messages_rejected_total", std::string("reason=\"") + reason + "\"").value();
  }
  return n;
}

}  // namespace
}  // namespace campus::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace campus;
  using fuzz::check;
  static const config::district& d = (fuzz::quiet_server_logs(), fuzz::sample_district());
  core::manual_clock clock;
  core::metrics metrics;
  ingest::live_state state(d);
  rules::rule_engine engine(d.rules, ingest::device_profiles(d), clock);
  ingest::pipeline pipeline(d, adapters::builtin_registry(), engine, state, metrics, clock);
  fuzz::checking_sink sink(d, clock);
  pipeline.add_sink(sink);
  auto& readings_total = metrics.get("campus_readings_total");

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 8 && !rest.empty(); ++i) {
    const auto topic_end = rest.find('\0');
    const std::string_view topic = rest.substr(0, topic_end);
    rest = topic_end == std::string_view::npos ? std::string_view{} : rest.substr(topic_end + 1);
    const auto payload_end = rest.find('\0');
    const std::string_view payload = rest.substr(0, payload_end);
    rest = payload_end == std::string_view::npos ? std::string_view{} : rest.substr(payload_end + 1);

    const std::int64_t seen_before = sink.readings;
    const std::int64_t taken_before = readings_total.value();
    const std::int64_t rejected_before = fuzz::rejected_total(metrics);
    pipeline.on_message(topic, payload);
    const std::int64_t taken = readings_total.value() - taken_before;
    const std::int64_t rejected = fuzz::rejected_total(metrics) - rejected_before;
    check(taken > 0 ? rejected == 0 : rejected == 1,
          "a message must be accepted or refused once under a known reason");
    // The sinks may see more: a device that says it is offline can raise an absence alert,
    // which the pipeline announces with an "offline" reading of its own.
    check(sink.readings - seen_before >= taken, "an accepted reading did not reach the sinks");

    clock.advance(core::duration(1000));
    pipeline.on_tick();
  }
  fuzz::check_json(net::messages::snapshot_message(state), "the WebSocket snapshot");
  return 0;
}
