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

// A background simulator (the demo's normal telemetry) and a scenario in another process on the
// same broker: the scenario's retained control message silences the detector in the
// background, so its leak level is not overwritten by normal values.
TEST_F(campus_sim_cli, a_scenario_mutes_its_device_in_a_background_simulator) {
  test::mosquitto_broker broker;
  subscriber sub(broker.port());
  const std::string gas_topic = "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry";
  const auto lel = [](const subscriber::message& m) {
    return boost::json::parse(m.payload).at("lel_pct").to_number<double>();
  };
  auto background = run({"--site", "xh-primary", "--interval", "200ms"}, broker.port());
  // Running, hence already listening on the control channel (it subscribes before starting).
  ASSERT_TRUE(test::wait_until([&] {
    int normal = 0;
    for (const auto& m : sub.messages()) normal += m.topic == gas_topic && lel(m) < 10;
    return normal >= 3;
  })) << background->log_tail();

  auto scenario = run({"--scenario", "gas-leak", "--hold", "3s", "--no-recover"}, broker.port());
  std::size_t peak = 0;
  ASSERT_TRUE(test::wait_until([&] {
    const auto all = sub.messages();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (all[i].topic == gas_topic && lel(all[i]) >= 45) {
        peak = i;
        return true;
      }
    }
    return false;
  })) << scenario->log_tail();

  // Observation window: until the rest of the school has published 70 more readings (about
  // 2 s at 200 ms; the background would have sent ~10 for the detector meanwhile).
  ASSERT_TRUE(test::wait_until([&] {
    const auto all = sub.messages();
    int others = 0;
    for (std::size_t i = peak + 1; i < all.size(); ++i) {
      others += all[i].topic != gas_topic && all[i].topic.ends_with("/telemetry");
    }
    return others >= 70;
  })) << background->log_tail();
  const auto all = sub.messages();
  for (std::size_t i = peak; i < all.size(); ++i) {
    if (all[i].topic == gas_topic) {
      EXPECT_GE(lel(all[i]), 10) << "normal reading after the leak";
    }
  }

  ASSERT_EQ(scenario->wait_exit(60s), 0) << scenario->log_tail();
  EXPECT_NE(scenario->log_tail().find("background simulators stay silent for xh-kitchen-gas-1"),
            std::string::npos)
      << scenario->log_tail();
  EXPECT_NE(background->log_tail().find("control: xh-kitchen-gas-1 silent until"),
            std::string::npos)
      << background->log_tail();
  EXPECT_EQ(background->stop(10s), 0) << background->log_tail();
}

// After a scenario that recovers, the background simulator takes the device back at once
// (the empty retained payload) instead of waiting for the mute to run out.
TEST_F(campus_sim_cli, a_recovered_scenario_hands_its_device_back_to_the_background) {
  test::mosquitto_broker broker;
  subscriber sub(broker.port());
  const std::string gas_topic = "campus/bh-middle/kitchen/bh-kitchen-gas-1/telemetry";
  auto background = run({"--site", "bh-middle", "--interval", "200ms"}, broker.port());
  ASSERT_TRUE(test::wait_until([&] {
    for (const auto& m : sub.messages()) {
      if (m.topic == gas_topic) return true;
    }
    return false;
  })) << background->log_tail();

  auto scenario =
      run({"--scenario", "gas-leak", "--site", "bh-middle", "--hold", "1s"}, broker.port());
  ASSERT_EQ(scenario->wait_exit(60s), 0) << scenario->log_tail();
  ASSERT_TRUE(test::wait_until([&] {
    return background->log_tail().find("control: bh-kitchen-gas-1 resumes") != std::string::npos;
  })) << background->log_tail();
  // Both the mute and the empty release were understood.
  EXPECT_NE(background->log_tail().find("control: bh-kitchen-gas-1 silent until"),
            std::string::npos);
  EXPECT_EQ(background->log_tail().find("ignored control message"), std::string::npos);
  EXPECT_EQ(background->stop(10s), 0) << background->log_tail();
}

TEST_F(campus_sim_cli, exit_codes_name_the_failure) {
  auto bad = run({"--qos", "2"}, 1883);
  EXPECT_EQ(bad->wait_exit(30s), 2);
  // The message comes first, then the whole usage: look further back than the default 40 lines.
  EXPECT_NE(bad->log_tail(200).find("--qos must be 0 or 1"), std::string::npos);

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
