#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace campus::net::test {
namespace {

using websocket_feed = server_fixture;

TEST_F(websocket_feed, first_message_is_a_snapshot_with_devices_and_active_alerts) {
  state_.apply(gas_reading(3.2), core::from_epoch_ms(1763860000500));
  state_.apply(gas_alert("gas_high/s1-gas#1", rules::alert_event::kind::raised));

  ws_client client(port_);
  auto snapshot = client.read();
  EXPECT_EQ(snapshot.at("type"), "snapshot");
  EXPECT_EQ(snapshot.at("district").at("id"), "demo");
  EXPECT_EQ(snapshot.at("sites").as_array().size(), 2u);
  const auto& devices = snapshot.at("devices").as_array();
  ASSERT_EQ(devices.size(), 3u);
  EXPECT_EQ(devices[0].at("id"), "s1-gas");
  EXPECT_EQ(devices[0].at("status"), "online");
  EXPECT_DOUBLE_EQ(devices[0].at("values").at("lel_pct").at("value").as_double(), 3.2);
  const auto& alerts = snapshot.at("alerts").as_array();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].at("id"), "gas_high/s1-gas#1");
  EXPECT_EQ(alerts[0].at("condition"), "active");
  EXPECT_EQ(server_->websocket_clients(), 1u);
}

TEST_F(websocket_feed, readings_and_alert_events_arrive_live_after_the_snapshot) {
  ws_client client(port_);
  ASSERT_EQ(client.read().at("type"), "snapshot");

  server_->sink().on_reading(gas_reading(7.5, 1763860002000));
  auto reading = client.read();
  EXPECT_EQ(reading.at("type"), "reading");
  EXPECT_EQ(reading.at("reading"),
            (json::object{{"site", "s1"}, {"zone", "kitchen"}, {"device", "s1-gas"},
                          {"metric", "lel_pct"}, {"subject", ""}, {"value", 7.5},
                          {"unit", "%LEL"}, {"ts", 1763860002000}}));

  server_->sink().on_alert(gas_alert("gas_high/s1-gas#1", rules::alert_event::kind::raised));
  auto raised = client.read();
  EXPECT_EQ(raised.at("type"), "alert");
  EXPECT_EQ(raised.at("event"), "raised");
  const auto& alert = raised.at("alert").as_object();
  EXPECT_EQ(alert.at("id"), "gas_high/s1-gas#1");
  EXPECT_EQ(alert.at("device"), "s1-gas");
  EXPECT_EQ(alert.at("rule_name_en"), "Gas above limit");
  EXPECT_EQ(alert.at("severity"), "red");
  EXPECT_DOUBLE_EQ(alert.at("value").as_double(), 12.5);
  EXPECT_EQ(alert.at("threshold").as_int64(), 10);
  EXPECT_TRUE(alert.at("cleared_at").is_null());

  auto cleared_event = gas_alert("gas_high/s1-gas#1", rules::alert_event::kind::cleared);
  cleared_event.current.cond = rules::condition::cleared;
  cleared_event.current.cleared_at = core::from_epoch_ms(1763860009000);
  server_->sink().on_alert(cleared_event);
  auto cleared = client.read();
  EXPECT_EQ(cleared.at("event"), "cleared");
  EXPECT_EQ(cleared.at("alert").at("condition"), "cleared");
  EXPECT_EQ(cleared.at("alert").at("cleared_at").as_int64(), 1763860009000);

  EXPECT_GE(counter("campus_ws_messages_sent_total"), 3);
}

TEST_F(websocket_feed, every_client_receives_each_broadcast_and_the_gauge_follows_them) {
  ws_client a(port_);
  ws_client b(port_);
  ASSERT_EQ(a.read().at("type"), "snapshot");
  ASSERT_EQ(b.read().at("type"), "snapshot");
  EXPECT_EQ(server_->websocket_clients(), 2u);
  EXPECT_NE(get("/metrics").body().find("campus_ws_clients 2\n"), std::string::npos);

  server_->sink().on_alert(gas_alert("gas_high/s1-gas#7", rules::alert_event::kind::raised));
  EXPECT_EQ(a.read().at("alert").at("id"), "gas_high/s1-gas#7");
  EXPECT_EQ(b.read().at("alert").at("id"), "gas_high/s1-gas#7");

  a.stream().close(websocket::close_code::normal);
  wait_until([&] { return server_->websocket_clients() == 1; });
  EXPECT_EQ(counter("campus_ws_clients"), 1);
}

TEST_F(websocket_feed, upgrade_elsewhere_than_ws_is_refused) {
  asio::io_context io;
  websocket::stream<tcp::socket> ws(io);
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), port_});
  beast::error_code ec;
  ws.handshake("127.0.0.1", "/api/sites", ec);
  EXPECT_EQ(ec, websocket::error::upgrade_declined);
}

}  // namespace
}  // namespace campus::net::test
