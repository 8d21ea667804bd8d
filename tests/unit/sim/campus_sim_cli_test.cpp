// campus-sim as a real process against a real Mosquitto on a free port: scenarios and --count
// deliver every message before the program exits, statuses are retained, signals stop it, and
// the exit codes say what went wrong.
#include <gtest/gtest.h>
#include <mosquitto.h>

#include <boost/json/parse.hpp>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/free_port.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;

// Collects every message on campus/# (libmosquitto's own thread; fine in a test).
class subscriber {
 public:
  explicit subscriber(int port) {
    mosquitto_lib_init();
    mosq_ = mosquitto_new(nullptr, true, this);
    mosquitto_connect_callback_set(mosq_, [](mosquitto* m, void*, int rc) {
      if (rc == 0) mosquitto_subscribe(m, nullptr, "campus/#", 1);
    });
    mosquitto_subscribe_callback_set(mosq_, [](mosquitto*, void* self, int, int, const int*) {
      auto* s = static_cast<subscriber*>(self);
      std::lock_guard lock(s->mutex_);
      s->subscribed_ = true;
    });
    mosquitto_message_callback_set(mosq_, [](mosquitto*, void* self, const mosquitto_message* m) {
      auto* s = static_cast<subscriber*>(self);
      std::lock_guard lock(s->mutex_);
      s->messages_.push_back({m->topic,
                              std::string(static_cast<const char*>(m->payload),
                                          static_cast<std::size_t>(m->payloadlen)),
                              m->retain});
    });
    if (mosquitto_connect(mosq_, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS ||
        mosquitto_loop_start(mosq_) != MOSQ_ERR_SUCCESS) {
      ADD_FAILURE() << "subscriber cannot connect to 127.0.0.1:" << port;
      return;
    }
    EXPECT_TRUE(test::wait_until([&] {
      std::lock_guard lock(mutex_);
      return subscribed_;
    }));
  }
  ~subscriber() {
    mosquitto_disconnect(mosq_);
    mosquitto_loop_stop(mosq_, false);
    mosquitto_destroy(mosq_);
  }

  struct message {
    std::string topic, payload;
    bool retained;
  };
  std::vector<message> messages() {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  std::size_t size() { return messages().size(); }

 private:
  mosquitto* mosq_ = nullptr;
  std::mutex mutex_;
  bool subscribed_ = false;
  std::vector<message> messages_;
};

class campus_sim_cli : public ::testing::Test {
 protected:
  std::unique_ptr<test::child_process> run(std::vector<std::string> args, int port) {
    std::vector<std::string> argv{CAMPUS_SIM_BINARY, "--config",
                                  std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml",
                                  "--broker", "127.0.0.1:" + std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<test::child_process>(
        argv, dir_ / ("sim-" + std::to_string(++runs_) + ".log"));
  }

  test::temp_dir dir_{"campus-sim-cli-"};
  int runs_ = 0;
};

TEST_F(campus_sim_cli, a_scenario_is_delivered_in_full_before_the_program_exits) {
  test::mosquitto_broker broker;
  subscriber sub(broker.port());
  auto sim = run({"--scenario", "gas-leak", "--site", "bh-middle", "--hold", "1s"}, broker.port());
  ASSERT_EQ(sim->wait_exit(60s), 0) << sim->log_tail();

  // Everything was acknowledged by the broker before exit; the subscriber gets it in order.
  ASSERT_TRUE(test::wait_until([&] { return sub.size() >= 10; })) << sub.size();
  std::vector<double> lel;
  for (const auto& m : sub.messages()) {
    EXPECT_EQ(m.topic, "campus/bh-middle/kitchen/bh-kitchen-gas-1/telemetry");
    lel.push_back(boost::json::parse(m.payload).at("lel_pct").to_number<double>());
  }
  EXPECT_EQ(lel, (std::vector<double>{2, 6, 12, 18, 24, 30, 38, 45, 45, 1}));
  EXPECT_NE(sim->log_tail().find("crosses red 25"), std::string::npos);
}

TEST_F(campus_sim_cli, count_stops_after_exactly_that_many_messages_and_statuses_are_retained) {
  test::mosquitto_broker broker;
  {
    subscriber sub(broker.port());
    auto sim = run({"--count", "45", "--interval", "100ms", "--seed", "5"}, broker.port());
    ASSERT_EQ(sim->wait_exit(60s), 0) << sim->log_tail();
    ASSERT_TRUE(test::wait_until([&] { return sub.size() >= 45; })) << sub.size();
    EXPECT_EQ(sub.size(), 45u);  // the program has exited: nothing more can come
  }
  // A dashboard connecting later still learns that all 39 devices came online.
  subscriber late(broker.port());
  ASSERT_TRUE(test::wait_until([&] { return late.size() >= 39; })) << late.size();
  for (const auto& m : late.messages()) {
    EXPECT_TRUE(m.retained);
    EXPECT_TRUE(m.topic.ends_with("/status"));
    EXPECT_EQ(m.payload, "online");
  }
}

TEST_F(campus_sim_cli, sigterm_ends_a_normal_run_cleanly) {
  test::mosquitto_broker broker;
  subscriber sub(broker.port());
  auto sim = run({"--site", "qs-nine-year", "--interval", "200ms"}, broker.port());
  ASSERT_TRUE(test::wait_until([&] {
    for (const auto& m : sub.messages()) {
      if (m.topic.ends_with("/telemetry")) return true;
    }
    return false;
  })) << sim->log_tail();
  EXPECT_EQ(sim->stop(10s), 0) << sim->log_tail();
  for (const auto& m : sub.messages()) EXPECT_TRUE(m.topic.starts_with("campus/qs-nine-year/"));
}

TEST_F(campus_sim_cli, exit_codes_name_the_failure) {
  auto bad = run({"--qos", "2"}, 1883);
  EXPECT_EQ(bad->wait_exit(30s), 2);
  EXPECT_NE(bad->log_tail().find("--qos must be 0 or 1"), std::string::npos);

  auto unknown_scenario = run({"--scenario", "meteor"}, 1883);
  EXPECT_EQ(unknown_scenario->wait_exit(30s), 2);

  const int nobody = test::free_port();
  auto unreachable = run({"--count", "1"}, nobody);
  EXPECT_EQ(unreachable->wait_exit(60s), 1);
  EXPECT_NE(unreachable->log_tail().find("cannot reach the MQTT broker at 127.0.0.1:" +
                                         std::to_string(nobody)),
            std::string::npos)
      << unreachable->log_tail();
}

}  // namespace
}  // namespace campus::sim
