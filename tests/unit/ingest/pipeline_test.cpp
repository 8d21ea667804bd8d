#include "ingest/pipeline.hpp"

#include <gtest/gtest.h>

#include "config/loader.hpp"

namespace campus::ingest {
namespace {

using namespace std::chrono_literals;

constexpr const char* district_yaml = R"(district: {id: d, name: 示范区}
ingest: {max_payload_bytes: 512, max_past: 1d, max_future: 5m}
rules:
  - id: gas-leak
    name: 燃气泄漏
    kind: threshold
    match: {families: [gas_detector]}
    metric: lel_pct
    op: above
    levels:
      - {severity: yellow, threshold: 10, clear: 8}
      - {severity: red, threshold: 25, clear: 20}
  - id: offline
    name: 设备离线
    kind: absence
    period: 5m
    severity: yellow
sites:
  - id: xh
    name: 星火小学
    zones:
      - {id: kitchen, type: canteen_kitchen, name: 后厨}
      - {id: gate, type: gate, name: 校门}
    devices:
      - {id: gas-1, family: gas_detector, zone: kitchen}
      - {id: alarm-1, family: alarm_input, zone: gate}
)";

struct recording_sink : event_sink {
  std::vector<core::reading> readings;
  std::vector<rules::alert_event> alerts;
  void on_reading(const core::reading& r) override { readings.push_back(r); }
  void on_alert(const rules::alert_event& e) override { alerts.push_back(e); }
};

class pipeline_test : public testing::Test {
 protected:
  pipeline_test()
      : district_(load()),
        state_(district_),
        engine_(district_.rules, device_profiles(district_), clock_),
        pipeline_(district_, adapters::builtin_registry(), engine_, state_, metrics_, clock_) {
    pipeline_.add_sink(sink_);
  }

  static config::district load() {
    auto d = config::load_string(district_yaml, "test.yaml");
    if (!d) throw std::runtime_error(d.error().front().to_string());
    return std::move(*d);
  }

  std::int64_t rejected(const std::string& reason) {
    return metrics_.get("campus_messages_rejected_total", "reason=\"" + reason + "\"").value();
  }

  std::string gas(double lel) {
    return R"({"ts":)" + std::to_string(core::to_epoch_ms(clock_.now())) + R"(,"lel_pct":)" +
           std::to_string(lel) + "}";
  }

  core::manual_clock clock_;
  core::metrics metrics_;
  config::district district_;
  live_state state_;
  rules::rule_engine engine_;
  pipeline pipeline_;
  recording_sink sink_;
};

TEST_F(pipeline_test, a_gas_reading_reaches_state_and_sinks) {
  pipeline_.on_message("campus/xh/kitchen/gas-1/telemetry", gas(3.5));
  ASSERT_EQ(sink_.readings.size(), 1u);
  EXPECT_EQ(sink_.readings[0].metric, "lel_pct");
  EXPECT_DOUBLE_EQ(sink_.readings[0].number(), 3.5);
  auto dev = state_.device("gas-1");
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->status, "online");
  EXPECT_DOUBLE_EQ(dev->values.at("lel_pct").number(), 3.5);
  EXPECT_EQ(metrics_.get("campus_messages_in_total").value(), 1);
  EXPECT_TRUE(sink_.alerts.empty());
}

TEST_F(pipeline_test, a_leak_raises_a_red_alert_that_rises_and_clears) {
  pipeline_.on_message("campus/xh/kitchen/gas-1/telemetry", gas(12));
  pipeline_.on_message("campus/xh/kitchen/gas-1/telemetry", gas(40));
  pipeline_.on_message("campus/xh/kitchen/gas-1/telemetry", gas(2));
  EXPECT_EQ(sink_.alerts.size(), 2u);  // the clear waits the rule's clear_after (default 30 s)
  clock_.advance(rules::default_clear_after);
  pipeline_.on_tick();
  ASSERT_EQ(sink_.alerts.size(), 3u);
  EXPECT_EQ(sink_.alerts[0].what, rules::alert_event::kind::raised);
  EXPECT_EQ(sink_.alerts[0].current.severity, core::severity::yellow);
  EXPECT_EQ(sink_.alerts[1].what, rules::alert_event::kind::updated);
  EXPECT_EQ(sink_.alerts[1].current.severity, core::severity::red);
  EXPECT_EQ(sink_.alerts[1].current.id, sink_.alerts[0].current.id);
  EXPECT_EQ(sink_.alerts[2].what, rules::alert_event::kind::cleared);
  EXPECT_TRUE(state_.active_alerts().empty());
  EXPECT_EQ(metrics_.get("campus_alerts_active").value(), 0);
}

TEST_F(pipeline_test, bad_input_is_refused_counted_by_reason_and_changes_nothing) {
  const std::string now = std::to_string(core::to_epoch_ms(clock_.now()));
  struct bad {
    std::string topic, payload, reason;
  } cases[] = {
      {"campus/xh/kitchen/nobody/telemetry", gas(1), "unknown_device"},
      {"campus/xh/gate/gas-1/telemetry", gas(1), "topic_mismatch"},
      {"campus/other/kitchen/gas-1/telemetry", gas(1), "topic_mismatch"},
      {"campus/xh/kitchen/gas-1", gas(1), "bad_topic"},
      {"elsewhere/xh/kitchen/gas-1/telemetry", gas(1), "bad_topic"},
      {"campus/xh/kitchen/gas-1/telemetry/extra", gas(1), "bad_topic"},
      {"campus/xh/kitchen/gas-1/config", gas(1), "bad_stream"},
      {"campus/xh/kitchen/gas-1/telemetry", std::string(600, ' '), "oversized"},
      {"campus/xh/kitchen/gas-1/telemetry", "{\"lel_pct\":", "malformed_json"},
      {"campus/xh/kitchen/gas-1/telemetry", "{\"lel_pct\":NaN}", "malformed_json"},
      {"campus/xh/kitchen/gas-1/telemetry", "{\"lel_pct\":1e999}", "not_finite"},
      {"campus/xh/kitchen/gas-1/telemetry", "{\"ts\":1000,\"lel_pct\":1}",
       "timestamp_out_of_range"},
      {"campus/xh/kitchen/gas-1/telemetry",
       "{\"ts\":" + std::to_string(core::to_epoch_ms(clock_.now()) + 3'600'000) +
           ",\"lel_pct\":1}",
       "timestamp_out_of_range"},
      {"campus/xh/kitchen/gas-1/status", "maybe", "bad_value"},
  };
  std::map<std::string, int> expected;
  for (const auto& c : cases) {
    pipeline_.on_message(c.topic, c.payload);
    ++expected[c.reason];
  }
  for (const auto& [reason, n] : expected) EXPECT_EQ(rejected(reason), n) << reason;
  EXPECT_TRUE(sink_.readings.empty());
  EXPECT_FALSE(state_.device("gas-1")->last_seen);
  // And the pipeline still works afterwards.
  pipeline_.on_message("campus/xh/kitchen/gas-1/telemetry", gas(30));
  EXPECT_EQ(sink_.readings.size(), 1u);
  EXPECT_EQ(sink_.alerts.size(), 1u);
  EXPECT_EQ(metrics_.get("campus_messages_in_total").value(),
            static_cast<std::int64_t>(std::size(cases)) + 1);
}

TEST_F(pipeline_test, a_missing_ts_means_now) {
  pipeline_.on_message("campus/xh/gate/alarm-1/telemetry", R"({"state":"normal"})");
  ASSERT_EQ(sink_.readings.size(), 1u);
  EXPECT_EQ(sink_.readings[0].ts, clock_.now());
}

TEST_F(pipeline_test, status_offline_marks_the_device_and_raises_absence) {
  pipeline_.on_message("campus/xh/gate/alarm-1/status", "offline");
  EXPECT_EQ(state_.device("alarm-1")->status, "offline");
  ASSERT_FALSE(sink_.alerts.empty());
  EXPECT_EQ(sink_.alerts[0].current.rule, "offline");
  pipeline_.on_message("campus/xh/gate/alarm-1/status", R"({"online":true})");
  EXPECT_EQ(state_.device("alarm-1")->status, "online");
  EXPECT_EQ(sink_.alerts.back().what, rules::alert_event::kind::cleared);
}

TEST_F(pipeline_test, silence_marks_a_device_offline_on_tick) {
  pipeline_.on_message("campus/xh/gate/alarm-1/telemetry", R"({"state":"normal"})");
  pipeline_.on_message("campus/xh/kitchen/gas-1/telemetry", gas(1));
  clock_.advance(4min);
  pipeline_.on_message("campus/xh/kitchen/gas-1/telemetry", gas(1));
  clock_.advance(2min);
  pipeline_.on_tick();
  EXPECT_EQ(state_.device("alarm-1")->status, "offline");
  EXPECT_EQ(state_.device("gas-1")->status, "online");
  ASSERT_EQ(sink_.alerts.size(), 1u);
  EXPECT_EQ(sink_.alerts[0].current.device, "alarm-1");
  // The dashboard learns of the status change as a reading.
  EXPECT_EQ(sink_.readings.back().metric, "status");
  EXPECT_EQ(sink_.readings.back().state(), "offline");
}

TEST(split_topic, shapes) {
  auto t = split_topic("campus/a/b/c/telemetry", "campus");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->site, "a");
  EXPECT_EQ(t->stream, "telemetry");
  EXPECT_FALSE(split_topic("campus//b/c/telemetry", "campus"));
  EXPECT_FALSE(split_topic("campusx/a/b/c/d", "campus"));
  EXPECT_TRUE(split_topic("a/b/c/d", ""));
}

}  // namespace
}  // namespace campus::ingest
