// `campus-shield broker-config` against a real Mosquitto started with the files it writes:
// each device may publish only under its own topic, the server's account reads them, a wrong
// password or no login at all is refused, and the real server ingests with its own account.
#include <gtest/gtest.h>

#include <filesystem>

#include "account_client.hpp"
#include "broker/broker_secrets.hpp"
#include "broker/credentials_file.hpp"
#include "campus_server.hpp"
#include "support/child_process.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"
#include "ws_client.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string sample_config = std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml";
// Two devices of the sample district, in different schools.
constexpr const char* gas_1 = "xh-kitchen-gas-1";
const std::string gas_1_topic = "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry";
constexpr const char* gas_2 = "bh-kitchen-gas-1";
const std::string gas_2_topic = "campus/bh-middle/kitchen/bh-kitchen-gas-1/telemetry";

class broker_acl_test : public testing::Test {
 protected:
  void SetUp() override {
    child_process tool({CAMPUS_SHIELD_BINARY, "broker-config", "--config", sample_config,
                        "--data-dir", data_dir().string(), "--out", out_dir().string()},
                       dir_ / "broker-config.log");
    auto status = tool.wait_exit(60s);
    ASSERT_EQ(status, 0) << tool.log_tail();

    mosquitto_broker::options opts;
    opts.extra_config = {"allow_anonymous false",  // after the helper's own "true": last wins
                         "password_file " + (out_dir() / "passwd").string(),
                         "acl_file " + (out_dir() / "acl").string()};
    broker_ = std::make_unique<mosquitto_broker>(opts);
  }

  fs::path data_dir() const { return dir_ / "data"; }
  fs::path out_dir() const { return dir_ / "broker"; }

  account_client::login_options device(const std::string& id) {
    auto c = broker::read_credential(out_dir() / "credentials.yaml", id);
    EXPECT_TRUE(c) << c.error();
    return {c ? c->username : id, c ? c->password : "", ""};
  }
  account_client::login_options server_login() {
    auto secrets = broker::broker_secrets::load(data_dir() / "broker-secrets.yaml");
    EXPECT_TRUE(secrets) << secrets.error();
    return {"campus-shield", secrets->password("campus-shield").value_or(""), ""};
  }
  int port() const { return broker_->port(); }

  temp_dir dir_;
  std::unique_ptr<mosquitto_broker> broker_;
};

TEST_F(broker_acl_test, a_device_publishes_on_its_own_topic_and_the_server_account_reads_it) {
  account_client server(port(), server_login());
  ASSERT_TRUE(server.accepted()) << server.connack() << "\n" << broker_->log_tail();
  ASSERT_EQ(server.subscribe("campus/#"), 1);

  account_client gas(port(), device(gas_1));
  ASSERT_TRUE(gas.accepted()) << gas.connack();
  ASSERT_TRUE(gas.publish(gas_1_topic, R"({"lel_pct":1.5})"));
  ASSERT_TRUE(server.wait_for_topic(gas_1_topic)) << broker_->log_tail();
  EXPECT_EQ(server.received().front().second, R"({"lel_pct":1.5})");
}

TEST_F(broker_acl_test, a_device_cannot_publish_for_another_device) {
  account_client server(port(), server_login());
  ASSERT_TRUE(server.accepted());
  ASSERT_EQ(server.subscribe("campus/#"), 1);
  account_client gas(port(), device(gas_1));
  ASSERT_TRUE(gas.accepted());

  // The spoof first, then a marker on the device's own topic: the broker handles one
  // client's publishes in order, so once the marker has arrived the spoof would have too.
  ASSERT_TRUE(gas.publish(gas_2_topic, R"({"lel_pct":45})"));
  ASSERT_TRUE(gas.publish("campus/xh-primary/chem-store/xh-kitchen-gas-1/telemetry", "{}"));
  ASSERT_TRUE(gas.publish(gas_1_topic, "marker"));
  ASSERT_TRUE(server.wait_for_topic(gas_1_topic));
  auto got = server.received();
  ASSERT_EQ(got.size(), 1u) << got.front().first;  // neither the other device's topic nor
  EXPECT_EQ(got[0].second, "marker");             // its own id under another zone
}

TEST_F(broker_acl_test, wrong_password_another_accounts_password_and_no_login_are_refused) {
  auto wrong = device(gas_1);
  wrong.password += "x";
  EXPECT_EQ(account_client(port(), wrong).connack(), 5);  // not authorised

  auto borrowed = device(gas_1);
  borrowed.password = device(gas_2).password;
  EXPECT_EQ(account_client(port(), borrowed).connack(), 5);

  EXPECT_EQ(account_client(port(), {}).connack(), 5);  // anonymous
  EXPECT_EQ(account_client(port(), {"nobody", "secret", ""}).connack(), 5);
  EXPECT_TRUE(account_client(port(), device(gas_1)).accepted());
}

TEST_F(broker_acl_test, a_device_account_reads_nothing_and_the_server_account_writes_nothing) {
  account_client spy(port(), device(gas_2));
  ASSERT_TRUE(spy.accepted());
  spy.subscribe("campus/#");  // Mosquitto 2.0 grants it, then delivers nothing the ACL denies
  account_client server(port(), server_login());
  ASSERT_TRUE(server.accepted());
  ASSERT_EQ(server.subscribe("campus/#"), 1);
  // The server's own publish is dropped (it has no write grant); the device's then arrives.
  ASSERT_TRUE(server.publish(gas_2_topic, "from the server"));
  account_client gas(port(), device(gas_1));
  ASSERT_TRUE(gas.publish(gas_1_topic, "marker"));
  ASSERT_TRUE(server.wait_for_topic(gas_1_topic));
  EXPECT_EQ(server.received().size(), 1u);
  // The spy subscribed before the marker was published and would have it by now, like the
  // server: a second marker through the server's subscription bounds the wait.
  ASSERT_TRUE(gas.publish(gas_1_topic, "marker 2"));
  ASSERT_TRUE(wait_until([&] { return server.received().size() == 2; }));
  EXPECT_TRUE(spy.received().empty());
}

TEST_F(broker_acl_test, the_simulator_account_publishes_for_every_device_and_uses_its_control_channel) {
  auto login = broker::read_credential(out_dir() / "credentials.yaml", "campus-sim");
  ASSERT_TRUE(login) << login.error();
  account_client sim(port(), {login->username, login->password, ""});
  ASSERT_TRUE(sim.accepted());
  ASSERT_EQ(sim.subscribe("campus-sim/control/#"), 1);
  ASSERT_TRUE(sim.publish("campus-sim/control", "sync"));
  ASSERT_TRUE(sim.wait_for_topic("campus-sim/control"));

  account_client server(port(), server_login());
  ASSERT_EQ(server.subscribe("campus/#"), 1);
  ASSERT_TRUE(sim.publish(gas_2_topic, "a"));
  ASSERT_TRUE(sim.publish(gas_1_topic, "b"));
  ASSERT_TRUE(server.wait_for_topic(gas_1_topic));
  EXPECT_EQ(server.received().size(), 2u);
}

TEST_F(broker_acl_test, the_server_logs_in_with_its_account_and_ingests_a_device_reading) {
  // campus_server runs `serve --data-dir <dir>/data`: the data directory broker-config used.
  campus_server server(sample_config, port(), dir_.path());
  ASSERT_TRUE(server.wait_until_connected()) << broker_->log_tail();
  account_client gas(port(), device(gas_1));
  ASSERT_TRUE(gas.accepted());

  // One /metrics page gives both counters at one instant: the server counts a message and
  // its readings in one handler on its loop, which also renders the page.
  auto counters = [&] {
    auto page = http_get(server.port(), "/metrics");
    std::string body = page && page->status == 200 ? page->body : "";
    return std::pair{metric_value(body, "campus_mqtt_messages_total").value_or(-1),
                     metric_value(body, "campus_readings_total").value_or(-1)};
  };
  const auto [messages_before, readings_before] = counters();
  ASSERT_GE(readings_before, 0);
  // The server subscribes right after its CONNACK; publish until a reading is counted.
  ASSERT_TRUE(wait_until(
      [&] {
        gas.publish(gas_2_topic, R"({"lel_pct":45})");  // a spoof: the broker drops it
        gas.publish(gas_1_topic, R"({"lel_pct":1.5,"co_ppm":2})");
        return counters().second > readings_before;
      },
      30s, 200ms))
      << broker_->log_tail();
  const auto [messages_after, readings_after] = counters();
  // Each message that reached the server was the device's own (two readings each): had a
  // spoof got through, the pipeline would have taken it as the other device's (its topic is
  // that device's), one reading for one message.
  EXPECT_GT(messages_after, messages_before);
  EXPECT_EQ(readings_after - readings_before, 2 * (messages_after - messages_before));
  EXPECT_NE(server.process().log_tail(200).find("user campus-shield"), std::string::npos);
}

}  // namespace
}  // namespace campus::test
