// A restart in the middle of a pending duration (docs/reliability.md, "Restart"): the carbon
// monoxide rule of the sample district waits `for: 20s`; a kitchen detector reports 60 ppm
// (over the 50 ppm level) every 2 s throughout, the broker keeping its messages while the
// server is down. The server is stopped (SIGTERM) or killed (kill -9, which relies on the
// periodic save of <data_dir>/rule_state) once the wait has run more than 10 s (a wait is
// saved once it has run max(10 s, a tenth of the rule's duration)), and started again 4 s
// later. The alarm must come the remaining time after the restart — not a whole 20 s after it
// (the wait forgotten) nor 4 s sooner (the downtime counted) — and the ledger must hold exactly
// one entry with one occurrence.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "campus_server.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/sample_district.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
namespace json = boost::json;

constexpr const char* gas_topic = "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry";
constexpr auto wait_for = 20s;  // the rule's `for`
constexpr auto downtime = 4s;

double seconds(steady::duration d) { return std::chrono::duration<double>(d).count(); }

class rule_state : public testing::Test {
 protected:
  void SetUp() override {
    config_ = write_sample_district(dir_, {{"metric: co_ppm", "metric: co_ppm\n    for: 20s"}});
    start();
  }
  void TearDown() override {
    reporting_ = false;
    if (detector_.joinable()) detector_.join();
    if (server_) server_->stop(10s);
  }

  void start() {
    server_ = std::make_unique<campus_server>(config_, broker_.port(), dir_.path());
    ASSERT_TRUE(server_->wait_until_connected()) << "campus-shield did not come up";
  }

  // The detector reports 60 ppm now and every 2 s until the test ends; returns when the
  // broker acknowledged the first report.
  void start_reporting() {
    pub_ = std::make_unique<test_publisher>(broker_.port());
    pub_->publish(gas_topic, R"({"co_ppm":60})");
    detector_ = std::thread([this] {
      auto next = steady::now() + 2s;
      while (reporting_) {
        std::this_thread::sleep_until(next);
        next += 2s;
        if (reporting_) pub_->publish(gas_topic, R"({"co_ppm":60})");
      }
    });
  }

  // The ledger's carbon monoxide entries of the detector, open or not.
  std::vector<json::object> co_entries() {
    std::vector<json::object> out;
    auto r = server_->get("/api/alerts?device=xh-kitchen-gas-1");
    if (!r || r->status != 200) return out;
    const json::value v = json::parse(r->body);
    for (const auto& e : v.at("alerts").as_array())
      if (e.at("rule") == "co-high") out.push_back(e.as_object());
    return out;
  }

  std::string saved_state() {
    std::ifstream in(server_->data_dir() / "rule_state");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // The whole case: the wait runs, the server goes down (`kill_9` or SIGTERM) and comes back.
  void restart_while_waiting(bool kill_9) {
    start_reporting();
    const auto first = steady::now();
    if (kill_9) {
      // The first periodic save after the wait has run 10 s holds it.
      ASSERT_TRUE(wait_until([&] { return saved_state().find("\"co-high\"") !=
                                          std::string::npos; }, 20s, 100ms))
          << "no periodic save of the pending wait";
    } else {
      std::this_thread::sleep_until(first + 12s);
    }
    EXPECT_TRUE(co_entries().empty()) << "raised before the restart: nothing was tested";
    const double ran = seconds(steady::now() - first);  // at most this much was saved
    if (kill_9) {
      ASSERT_EQ(::kill(server_->process().pid(), SIGKILL), 0);
      ASSERT_TRUE(server_->process().wait_exit(10s));
    } else {
      ASSERT_EQ(server_->stop(30s), 0);
    }
    const double stop_took = seconds(steady::now() - first) - ran;
    server_.reset();
    std::this_thread::sleep_for(downtime);

    const auto restarted = steady::now();
    start();
    ASSERT_TRUE(wait_until([&] { return !co_entries().empty(); }, 30s, 100ms))
        << "no carbon monoxide alarm after the restart";
    const double after = seconds(steady::now() - restarted);
    // What was left of the wait when it was saved: 20 s − `ran`, less up to `stop_took` after a
    // SIGTERM (the last save comes as the process ends), more by up to `polled` after a kill
    // (the save came a little before the test saw it).
    const double left = seconds(wait_for) - ran;
    const double polled = kill_9 ? 0.5 : 0.0;
    std::printf("[ rule_state ] %s: the wait had run %.1f s (stop took %.1f s), %.1f s left; "
                "alarm %.1f s after the restart (a whole wait: 20 s)\n",
                kill_9 ? "kill -9" : "SIGTERM", ran, stop_took, left, after);
    // Not sooner, so the 4 s down did not count (they would make it about 4 s sooner)…
    EXPECT_GE(after, left - stop_took - 1.5) << "the downtime counted toward the wait";
    // … and no later than what was left, plus start-up, a tick and a poll: the wait resumed.
    EXPECT_LE(after, left + polled + 3.5) << "the wait started again";
    EXPECT_LT(after, seconds(wait_for) - 5);

    // Still reporting 60 ppm: one entry, one occurrence, whatever comes next.
    std::this_thread::sleep_for(2s);
    const auto entries = co_entries();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries.front().at("occurrences").as_int64(), 1);
    EXPECT_EQ(entries.front().at("condition"), "active");
  }

  temp_dir dir_;
  mosquitto_broker broker_;
  std::filesystem::path config_;
  std::unique_ptr<campus_server> server_;
  std::unique_ptr<test_publisher> pub_;
  std::atomic<bool> reporting_{true};
  std::thread detector_;
};

TEST_F(rule_state, after_a_clean_stop_a_for_wait_resumes_where_it_stood) {
  restart_while_waiting(false);
}

TEST_F(rule_state, after_a_kill_9_a_for_wait_resumes_from_the_periodic_save) {
  restart_while_waiting(true);
}

}  // namespace
}  // namespace campus::test
