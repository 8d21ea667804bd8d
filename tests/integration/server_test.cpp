// The whole path with real parts: a real Mosquitto, the real campus-shield process with the
// sample district, a libmosquitto publisher and a WebSocket client.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "campus_server.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"
#include "ws_client.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* gas_topic = "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry";

class server_test : public testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<campus_server>(
        std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml", broker_.port(), dir_.path());
    http_port_ = server_->port();
    ASSERT_TRUE(server_->wait_until_connected())
        << "campus-shield did not come up and connect to the broker";
  }

  std::string metrics() {
    auto r = server_->get("/metrics");
    return r && r->status == 200 ? r->body : std::string();
  }
  double metric(const std::string& series) { return server_->metric(series); }
  bool mqtt_connected() { return metric("campus_mqtt_connected") == 1; }

  // The device's last value of `metric` as the API reports it.
  std::optional<json::value> api_value(const std::string& device, const std::string& metric) {
    auto r = server_->get("/api/devices?site=xh-primary");
    if (!r || r->status != 200) return std::nullopt;
    const json::value body = json::parse(r->body);
    for (const auto& d : body.at("devices").as_array()) {
      if (d.at("id").as_string() != device) continue;
      const auto& values = d.at("values").as_object();
      if (auto* v = values.if_contains(metric)) return v->at("value");
    }
    return std::nullopt;
  }

  temp_dir dir_;
  mosquitto_broker broker_;
  int http_port_ = 0;
  std::unique_ptr<campus_server> server_;
};

TEST_F(server_test, a_gas_leak_reaches_a_websocket_client_as_a_red_alert) {
  ws_client ws;
  ASSERT_TRUE(server_->connect(ws));
  auto snapshot = ws.next(5s);
  ASSERT_TRUE(snapshot);
  ASSERT_EQ(snapshot->at("type").as_string(), "snapshot");
  EXPECT_EQ(snapshot->at("sites").as_array().size(), 3u);
  EXPECT_EQ(snapshot->at("devices").as_array().size(), 39u);

  test_publisher pub(broker_.port());
  pub.publish(gas_topic, R"({"lel_pct":40,"co_ppm":3,"valve":"open","fault":false})");

  auto alert = ws.wait_for(
      [](const json::value& m) {
        return m.at("type").as_string() == "alert" &&
               m.at("alert").at("severity").as_string() == "red";
      },
      10s);
  ASSERT_TRUE(alert) << "no red alert over the WebSocket";
  const auto& a = alert->at("alert").as_object();
  EXPECT_EQ(a.at("site").as_string(), "xh-primary");
  EXPECT_EQ(a.at("zone").as_string(), "kitchen");
  EXPECT_EQ(a.at("device").as_string(), "xh-kitchen-gas-1");
  EXPECT_EQ(a.at("rule").as_string(), "gas-leak");
  EXPECT_EQ(a.at("condition").as_string(), "active");
  EXPECT_DOUBLE_EQ(a.at("value").to_number<double>(), 40);
  for (const char* key : {"id", "raised_at", "rule_name", "rule_name_en"})
    EXPECT_TRUE(a.contains(key)) << key;

  auto active = server_->get("/api/alerts?state=active");
  ASSERT_TRUE(active);
  auto alerts = json::parse(active->body).at("alerts").as_array();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].at("id"), a.at("id"));
}

TEST_F(server_test, ingest_resumes_after_the_broker_restarts) {
  {
    test_publisher pub(broker_.port());
    pub.publish(gas_topic, R"({"lel_pct":1.5})");
  }
  ASSERT_TRUE(wait_until([&] { return api_value("xh-kitchen-gas-1", "lel_pct") == json::value(1.5); }));

  broker_.stop();
  ASSERT_TRUE(wait_until([&] { return !mqtt_connected(); })) << "the server did not notice";
  broker_.start();
  ASSERT_TRUE(wait_until([&] { return mqtt_connected(); }, 60s)) << "the server did not reconnect";

  test_publisher pub(broker_.port());
  pub.publish(gas_topic, R"({"lel_pct":2.5})");
  EXPECT_TRUE(wait_until([&] { return api_value("xh-kitchen-gas-1", "lel_pct") == json::value(2.5); }));
  EXPECT_GE(metric("campus_mqtt_reconnects_total"), 1);
}

TEST_F(server_test, bad_input_is_counted_by_reason_and_the_server_keeps_running) {
  test_publisher pub(broker_.port());
  const std::string old_ts = R"({"ts":1000,"lel_pct":1})";
  pub.publish(gas_topic, "{not json");
  pub.publish(gas_topic, R"({"lel_pct":NaN})");
  pub.publish(gas_topic, R"({"lel_pct":1e999})");
  pub.publish(gas_topic, old_ts);
  pub.publish(gas_topic, std::string(70'000, 'x'));
  pub.publish("campus/xh-primary/kitchen/ghost-device/telemetry", R"({"lel_pct":1})");
  pub.publish("campus/bh-middle/kitchen/xh-kitchen-gas-1/telemetry", R"({"lel_pct":1})");
  pub.publish(gas_topic, R"({"lel_pct":"high"})");
  pub.publish(gas_topic, R"({"lel_pct":3.25})");

  ASSERT_TRUE(wait_until([&] { return api_value("xh-kitchen-gas-1", "lel_pct") == json::value(3.25); }));
  const std::string m = metrics();
  auto rejected = [&](const char* reason) {
    return metric_value(m, std::string("campus_messages_rejected_total{reason=\"") + reason +
                               "\"}")
        .value_or(0);
  };
  EXPECT_EQ(rejected("malformed_json"), 2);
  EXPECT_EQ(rejected("not_finite"), 1);
  EXPECT_EQ(rejected("timestamp_out_of_range"), 1);
  EXPECT_EQ(rejected("oversized"), 1);
  EXPECT_EQ(rejected("unknown_device"), 1);
  EXPECT_EQ(rejected("topic_mismatch"), 1);
  EXPECT_EQ(rejected("bad_type"), 1);
  EXPECT_TRUE(server_->process().running());
  auto health = server_->get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
}

// GET /api/roster reads the sample district's duty section: who leads at 星火小学, across
// midnight (Thursday's night shift runs into Friday morning) and into the weekend shift.
TEST_F(server_test, the_roster_answers_who_is_on_duty_across_midnight) {
  auto leader = [&](const std::string& at) -> std::string {
    auto r = server_->get("/api/roster?site=xh-primary&at=" + at);
    if (!r || r->status != 200) return "HTTP " + std::to_string(r ? r->status : 0);
    const json::value body = json::parse(r->body);
    for (const auto& a : body.at("on_duty").as_array()) {
      if (a.at("role").as_string() == "duty_leader")
        return std::string(a.at("person").at("id").as_string());
    }
    return "nobody";
  };
  EXPECT_EQ(leader("2026-11-19T23:30:00%2B08:00"), "xh-leader-night");   // Thursday night
  EXPECT_EQ(leader("2026-11-20T02:00:00%2B08:00"), "xh-leader-night");   // past midnight
  EXPECT_EQ(leader("2026-11-20T10:00:00%2B08:00"), "xh-leader-day");     // Friday day
  EXPECT_EQ(leader("2026-11-21T03:00:00%2B08:00"), "xh-leader-weekend"); // Saturday night

  auto r = server_->get("/api/roster?site=xh-primary");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.find("+8613800000001"), std::string::npos) << "phone numbers are masked";
  EXPECT_EQ(server_->get("/api/roster?site=nowhere")->status, 404);
  EXPECT_EQ(server_->get("/api/roster")->status, 400);
}

// Four publishers send as fast as the broker takes them; every message must be ingested once.
// (With Mosquitto's default max_queued_messages of 1000 the broker drops QoS 1 messages for a
// subscriber that falls behind; the broker here is configured as every shipped config is.)
TEST_F(server_test, a_burst_from_four_publishers_loses_nothing) {
  constexpr int publishers = 4;
  constexpr int per_publisher = 5000;
  const double before = metric("campus_readings_total");
  ws_client ws;  // a live dashboard client, so fan-out is part of the work
  ASSERT_TRUE(server_->connect(ws));

  std::vector<std::thread> threads;
  const char* devices[publishers] = {"xh-gate-alarm-1", "xh-gate-perimeter-1",
                                     "xh-boiler-smoke-1", "bh-gate-alarm-1"};
  const char* zones[publishers] = {"xh-primary/gate", "xh-primary/gate", "xh-primary/boiler",
                                   "bh-middle/gate"};
  for (int p = 0; p < publishers; ++p) {
    threads.emplace_back([&, p] {
      test_publisher pub(broker_.port(), "burst-" + std::to_string(p));
      const std::string topic =
          std::string("campus/") + zones[p] + "/" + devices[p] + "/telemetry";
      for (int i = 0; i < per_publisher; ++i) pub.publish_nowait(topic, R"({"state":"normal"})");
      ASSERT_TRUE(pub.wait_all_acked(120s));
    });
  }
  for (auto& t : threads) t.join();
  const double expected = before + publishers * per_publisher;
  EXPECT_TRUE(wait_until([&] { return metric("campus_readings_total") >= expected; }, 120s))
      << "readings " << metric("campus_readings_total") << " of " << expected;
  // Exactly once: QoS 1 could deliver duplicates after a reconnect; nothing reconnected here.
  EXPECT_EQ(metric("campus_readings_total"), expected);
  EXPECT_EQ(metric("campus_mqtt_reconnects_total"), 0);
}

}  // namespace
}  // namespace campus::test
