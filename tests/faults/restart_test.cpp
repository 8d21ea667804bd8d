// A restart with an alarm open and its condition still active (docs/reliability.md,
// "Restart"): the rule engine takes the condition up again from the ledger, so after the
// restart a reading still over the level raises nothing new (one entry, one occurrence, nobody
// texted again) and the first clearing reading clears the entry — which then can be closed.
// Both a clean stop (SIGTERM) and a crash (kill -9) are restarted from.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <signal.h>

#include <fstream>
#include <thread>

#include "campus_server.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/sample_district.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"
#include "ws_client.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* gas_topic = "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry";

class restart : public testing::Test {
 protected:
  void SetUp() override {
    // The gas rule's clear hold shortened from 30 s to 1 s.
    config_ = write_sample_district(dir_, {{"clear_after: 30s", "clear_after: 1s"}});
    start();
  }
  void TearDown() override {
    if (server_) server_->stop(10s);
  }

  void start() {
    server_ = std::make_unique<campus_server>(
        config_, broker_.port(), dir_.path(),
        std::vector<test_user>{campus_server::admin(),
                               {"wangfang", "duty_leader", {"xh-primary"}, "王芳"},
                               {"liuyang", "safety_director", {"xh-primary"}, "刘洋"}});
    ASSERT_TRUE(server_->wait_until_connected()) << "campus-shield did not come up";
  }

  // The open entries of the kitchen gas detector (GET /api/alerts).
  std::vector<json::object> gas_entries() {
    std::vector<json::object> out;
    auto r = server_->get("/api/alerts?state=open&device=xh-kitchen-gas-1");
    if (!r || r->status != 200) return out;
    const json::value v = json::parse(r->body);
    for (const auto& e : v.at("alerts").as_array()) out.push_back(e.as_object());
    return out;
  }

  std::size_t texts() {
    return phones_in_sms_log(server_->data_dir() / "sms.log").size();
  }

  // Publishes a leak, waits for its entry, restarts the server (`crash`: kill -9), then checks
  // that the condition is the engine's again.
  void leak_restart_and_clear(bool crash) {
    test_publisher pub(broker_.port());
    pub.publish(gas_topic, R"({"lel_pct":40})");
    ASSERT_TRUE(wait_until([&] { return gas_entries().size() == 1; }, 15s, 100ms));
    const auto id = gas_entries().front().at("id").as_int64();
    ASSERT_TRUE(wait_until([&] { return texts() >= 1; }, 15s, 100ms));
    std::this_thread::sleep_for(1s);  // the first step's texts are all out
    const auto texted = texts();

    if (crash) {
      ASSERT_EQ(::kill(server_->process().pid(), SIGKILL), 0);
      ASSERT_TRUE(server_->process().wait_exit(10s));
    } else {
      ASSERT_EQ(server_->stop(30s), 0);
    }
    server_.reset();
    start();

    ws_client ws;
    ASSERT_TRUE(server_->connect(ws));
    auto snapshot = ws.next(5s);
    ASSERT_TRUE(snapshot);
    // The entry is open and active in the snapshot.
    bool active = false;
    for (const auto& a : snapshot->at("alerts").as_array()) {
      if (a.at("id").as_int64() == id) active = a.at("condition") == "active";
    }
    EXPECT_TRUE(active) << "the open alarm is not in the snapshot as active";

    // Still leaking: nothing new is raised, nobody is texted again.
    pub.publish(gas_topic, R"({"lel_pct":38})");
    std::this_thread::sleep_for(2s);
    auto open = gas_entries();
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open.front().at("id").as_int64(), id);
    EXPECT_EQ(open.front().at("occurrences").as_int64(), 1) << "the restart re-raised the alert";
    EXPECT_EQ(texts(), texted) << "the restart texted the duty leader again";

    // The leak ends: the first clearing reading clears the entry (after the 1 s hold).
    pub.publish(gas_topic, R"({"lel_pct":1})");
    auto cleared = ws.wait_for(
        [&](const json::value& m) {
          return m.at("type") == "alert" && m.at("alert").at("id").as_int64() == id &&
                 m.at("alert").at("condition") == "cleared";
        },
        20s);
    ASSERT_TRUE(cleared) << "a clearing reading after the restart did not clear the entry";

    // And the entry can be closed (before, close answered 409 condition_active for ever).
    auto post = [&](const std::string& what, const std::string& body, const std::string& user) {
      auto r = server_->post("/api/alerts/" + std::to_string(id) + "/" + what, body, user);
      return r ? r->status : 0;
    };
    EXPECT_EQ(post("ack", R"({"note":"到场"})", "wangfang"), 200);
    EXPECT_EQ(post("rectify", R"({"note":"关阀通风"})", "wangfang"), 200);
    EXPECT_EQ(post("close", R"({"note":"复核正常"})", "liuyang"), 200);
    EXPECT_TRUE(gas_entries().empty());
  }

  temp_dir dir_;
  mosquitto_broker broker_;
  std::filesystem::path config_;
  std::unique_ptr<campus_server> server_;
};

TEST_F(restart, after_a_clean_stop_a_clearing_reading_clears_the_open_alarm) {
  leak_restart_and_clear(false);
}

TEST_F(restart, after_a_kill_9_a_clearing_reading_clears_the_open_alarm) {
  leak_restart_and_clear(true);
}

}  // namespace
}  // namespace campus::test
