// A client that stops reading must cost the server bounded memory: its readings coalesce;
// alerts, which are never dropped, overflow its queue and close it — without holding up
// anyone else.
#include <gtest/gtest.h>

#include "server_fixture.hpp"

namespace campus::net::test {
namespace {

constexpr std::size_t queue_limit = 8;
// Small enough that the kernel's buffers hold a bounded number of messages.
constexpr int small_receive_buffer = 4096;

class slow_client : public server_fixture {
 protected:
  slow_client() : server_fixture(queue_limit) {}
};

TEST_F(slow_client, readings_for_one_device_metric_coalesce_instead_of_closing_it) {
  ws_client client(port_, small_receive_buffer);
  ASSERT_EQ(client.read().at("type"), "snapshot");

  // 2000 × 16 KiB = 32 MiB, far beyond what the socket buffers hold (a few MiB): the server's
  // write blocks and the rest must coalesce into one queued message.
  constexpr int count = 2000;
  const std::string padding(16 * 1024, 'u');
  for (int i = 0; i < count; ++i) {
    auto r = gas_reading(i, 1763860000000 + i);
    r.unit = padding;
    server_->sink().on_reading(r);
  }

  int received = 0;
  std::int64_t last = -1;
  while (last != count - 1) {
    auto m = client.read();
    ASSERT_EQ(m.at("type"), "reading");
    const std::int64_t value = m.at("reading").at("value").as_int64();
    EXPECT_GT(value, last);  // newer values replace older ones; order is kept
    last = value;
    ++received;
  }
  EXPECT_LT(received, count);
  EXPECT_EQ(counter("campus_ws_slow_clients_closed_total"), 0);
  EXPECT_EQ(server_->websocket_clients(), 1u);

  // Still live.
  server_->sink().on_alert(gas_alert("after", rules::alert_event::kind::raised));
  EXPECT_EQ(client.read().at("alert").at("id"), "after");
}

TEST_F(slow_client, alerts_overflowing_a_stalled_client_close_it_while_others_get_them_all) {
  ws_client reader(port_);
  ws_client stalled(port_, small_receive_buffer);
  ASSERT_EQ(reader.read().at("type"), "snapshot");
  ASSERT_EQ(stalled.read().at("type"), "snapshot");

  // Large alerts fill the stalled client's socket buffers quickly. The reader takes each
  // alert before the next is sent, so its queue never nears the limit.
  const std::string big(64 * 1024, 'v');
  int sent = 0;
  auto send_next = [&] {
    const std::string id = "alert#" + std::to_string(sent++);
    server_->sink().on_alert(gas_alert(id, rules::alert_event::kind::raised, big));
    auto m = reader.read();
    ASSERT_EQ(m.at("type"), "alert");
    ASSERT_EQ(m.at("alert").at("id").as_string(), id);  // every alert, in order
  };
  while (counter("campus_ws_slow_clients_closed_total") == 0) {
    ASSERT_LT(sent, 2000) << "the stalled client was never closed";
    send_next();
    if (HasFatalFailure()) return;
  }
  for (int i = 0; i < 5; ++i) {
    send_next();
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(counter("campus_ws_slow_clients_closed_total"), 1);

  // The stalled client, reading at last, finds a prefix of the alerts in order, then the
  // server's close frame with its reason.
  int next = 0;
  beast::error_code ec;
  for (;;) {
    std::string text;
    ec = stalled.read_raw(text);
    if (ec) break;
    auto m = json::parse(text).as_object();
    ASSERT_EQ(m.at("alert").at("id").as_string(), "alert#" + std::to_string(next));
    ++next;
  }
  EXPECT_EQ(ec, websocket::error::closed) << ec.message();
  EXPECT_EQ(stalled.stream().reason().code, websocket::close_code::policy_error);
  EXPECT_EQ(stalled.stream().reason().reason, "client too slow");
  EXPECT_LT(next, sent);

  wait_until([&] { return server_->websocket_clients() == 1; });
  server_->sink().on_alert(gas_alert("last", rules::alert_event::kind::raised));
  EXPECT_EQ(reader.read().at("alert").at("id"), "last");
}

}  // namespace
}  // namespace campus::net::test
