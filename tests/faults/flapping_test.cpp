// A flapping sensor, through the real processes (docs/reliability.md, "A flapping sensor"): a
// real Mosquitto and campus-shield with the sample district, two kitchen gas detectors
// published to every 0.2 s for 24 s:
//
//   xh-kitchen-gas-1  red and yellow in turn: 30 %LEL for 2 s, 15 %LEL for 4 s
//   xh-kitchen-gas-2  7.9 / 10.1 %LEL, across the yellow level's clear (8) and threshold (10)
//
// The test's copy of the district shortens two times so that this happens in half a minute:
// the red policy's principal step (5 min → 10 s) and the gas rule's clear_after (30 s → 2 s).
// Then it counts: the principal's one text in the SMS log, sent less than the policy's delay
// after a return to red (the return did not restart the clock) and while the gas still
// flapped; every text of the entry once; the second detector's ledger transitions and
// WebSocket alert messages at most the documented bound 1 + 2 * floor(T / clear_after).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <mutex>
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
using clock_type = std::chrono::system_clock;

constexpr const char* red_yellow_device = "xh-kitchen-gas-1";
constexpr const char* clear_level_device = "xh-kitchen-gas-2";
constexpr auto principal_after = 10s;  // the red policy's second step, in the test's copy
constexpr auto clear_after = 2s;       // the gas rule's, in the test's copy
constexpr auto flapping_for = 24s;

std::string topic_of(const std::string& device) {
  return "campus/xh-primary/kitchen/" + device + "/telemetry";
}

std::filesystem::path write_config(const temp_dir& dir) {
  return write_sample_district(
      dir, {{"- {after: 5m, roles: [principal], channels: [sms]}",
             "- {after: 10s, roles: [principal], channels: [sms]}"},
            // The gas-leak rule is the first in the file to set clear_after.
            {"clear_after: 30s", "clear_after: 2s"}});
}

// As GET /api/roster shows a phone: the four digits before the last four starred.
std::string mask(const std::string& phone) {
  std::string out = phone;
  for (std::size_t i = phone.size() - 8; i < phone.size() - 4; ++i) out[i] = '*';
  return out;
}

class flapping : public testing::Test {
 protected:
  void SetUp() override {
    config_ = write_config(dir_);
    server_ = std::make_unique<campus_server>(config_, broker_.port(), dir_.path());
    ASSERT_TRUE(server_->wait_until_connected()) << "campus-shield did not come up";
  }

  // Phones (masked) in the SMS log, one per line.
  std::vector<std::string> texted() {
    auto phones = phones_in_sms_log(server_->data_dir() / "sms.log");
    for (auto& p : phones) p = mask(p);
    return phones;
  }

  std::string on_duty_phone(const std::string& role) {
    auto r = server_->get("/api/roster?site=xh-primary");
    if (!r || r->status != 200) return {};
    const json::value roster = json::parse(r->body);
    for (const auto& a : roster.at("on_duty").as_array())
      if (a.at("role").as_string() == role) return std::string(a.at("person").at("phone").as_string());
    return {};
  }

  // The device's one ledger entry with its transitions; null when there is none.
  json::value entry_of(const std::string& device) {
    auto list = server_->get("/api/alerts?device=" + device);
    if (!list || list->status != 200) return nullptr;
    const json::value page = json::parse(list->body);
    if (page.at("total").as_int64() != 1) return nullptr;
    const std::string id(page.at("alerts").at(0).at("display_id").as_string());
    auto detail = server_->get("/api/alerts/" + id);
    if (!detail || detail->status != 200) return nullptr;
    return json::parse(detail->body);
  }

  // Reads every WebSocket alert message on a thread of its own (a read that times out closes
  // the client) until the server closes the connection.
  void read_alert_messages() {
    reader_ = std::thread([this] {
      while (auto m = ws_.next(120s)) {
        if (m->at("type") != "alert") continue;
        std::lock_guard lock(messages_mutex_);
        alert_messages_.push_back(std::move(*m));
      }
    });
  }

  // Stops the server, which ends the reader; the exit status.
  int stop() {
    const int status = server_->stop(30s);
    if (reader_.joinable()) reader_.join();
    return status;
  }

  void TearDown() override {
    if (reader_.joinable()) stop();
  }

  temp_dir dir_;
  mosquitto_broker broker_;
  std::filesystem::path config_;
  std::unique_ptr<campus_server> server_;
  ws_client ws_;
  std::mutex messages_mutex_;
  std::vector<json::value> alert_messages_;
  std::thread reader_;
};

std::int64_t at_ms(const json::value& transition) { return transition.at("at").as_int64(); }

TEST_F(flapping, escalation_counts_from_the_first_red_and_clears_are_debounced) {
  ASSERT_TRUE(server_->connect(ws_));
  ASSERT_TRUE(ws_.next(5s));  // the snapshot
  read_alert_messages();

  test_publisher pub(broker_.port());
  const auto started = clock_type::now();
  for (int i = 0; clock_type::now() - started < flapping_for; ++i) {
    // Step i is at i * 0.2 s: a 6 s cycle of 2 s red and 4 s yellow.
    const bool red = (i % 30) < 10;
    pub.publish(topic_of(red_yellow_device), red ? R"({"lel_pct":30})" : R"({"lel_pct":15})");
    pub.publish(topic_of(clear_level_device), i % 2 ? R"({"lel_pct":7.9})" : R"({"lel_pct":10.1})");
    std::this_thread::sleep_until(started + (i + 1) * 200ms);
  }
  const auto flapping_ended = clock_type::now();
  // The last value of each was yellow: neither entry has anything more to say for a while.
  const auto principal = on_duty_phone("principal");
  ASSERT_FALSE(principal.empty());

  // 1. The principal: texted once, at the policy's time from the first red.
  ASSERT_TRUE(wait_until([&] { return texted().size() >= 4; }, 10s))
      << "fewer than four texts: duty leader, safety director, bureau, principal";
  const json::value red_entry = entry_of(red_yellow_device);
  ASSERT_FALSE(red_entry.is_null()) << server_->process().log_tail();
  const auto first_red = red_entry.at("alert").at("raised_at").as_int64();
  EXPECT_EQ(red_entry.at("alert").at("max_severity"), "red");
  std::vector<std::int64_t> returns_to_red, principal_texts;
  for (const auto& t : red_entry.at("transitions").as_array()) {
    if (t.at("what") == "severity_changed" && t.at("to") == "red") returns_to_red.push_back(at_ms(t));
    if (t.at("what") == "notified" && t.at("from") == "principal") principal_texts.push_back(at_ms(t));
  }
  ASSERT_EQ(principal_texts.size(), 1u) << "the principal must be texted exactly once";
  const auto principal_at = principal_texts.front();
  const auto delay_ms = std::chrono::duration_cast<std::chrono::milliseconds>(principal_after).count();
  EXPECT_GE(principal_at, first_red + delay_ms) << "texted before the policy's time";
  // A return to red came before the text and less than the policy's delay before it: it did
  // not restart the clock.
  ASSERT_FALSE(returns_to_red.empty()) << "the gas never came back to red after a fall";
  EXPECT_LT(returns_to_red.front(), principal_at);
  EXPECT_LT(principal_at - returns_to_red.front(), delay_ms)
      << "the principal was texted a whole policy delay after a return to red";
  EXPECT_LT(principal_at, std::chrono::duration_cast<std::chrono::milliseconds>(
                              flapping_ended.time_since_epoch())
                              .count())
      << "the principal was texted only after the gas stopped flapping";
  // In the SMS log the server writes: the principal once, and nobody twice.
  const auto phones = texted();
  EXPECT_EQ(std::count(phones.begin(), phones.end(), principal), 1);
  for (const auto& p : phones)
    EXPECT_EQ(std::count(phones.begin(), phones.end(), p), 1) << p << " texted more than once";

  // 2. Across the clear level: one entry with at most 1 + 2 * floor(T / clear_after)
  // condition transitions, and as many WebSocket alert messages.
  const json::value clear_entry = entry_of(clear_level_device);
  ASSERT_FALSE(clear_entry.is_null());
  const auto bound = 1 + 2 * static_cast<std::int64_t>(flapping_for / clear_after);
  std::int64_t transitions = 0;
  for (const auto& t : clear_entry.at("transitions").as_array()) {
    const auto& what = t.at("what");
    if (what == "raised" || what == "cleared" || what == "refired" || what == "severity_changed")
      ++transitions;
  }
  EXPECT_GE(transitions, 1);
  EXPECT_LE(transitions, bound);

  ASSERT_EQ(stop(), 0);
  std::int64_t clear_messages = 0;
  for (const auto& m : alert_messages_)
    if (m.at("alert").at("device") == clear_level_device) ++clear_messages;
  EXPECT_GE(clear_messages, 1);
  EXPECT_LE(clear_messages, bound);
  std::cout << "[ flapping ] " << red_yellow_device << ": "
            << red_entry.at("transitions").as_array().size() << " transitions, "
            << returns_to_red.size() << " returns to red, principal texted "
            << (principal_at - first_red) << " ms after the first red; " << clear_level_device
            << ": " << transitions << " condition transitions, " << clear_messages
            << " WebSocket alert messages (bound " << bound << ")\n";
}

}  // namespace
}  // namespace campus::test
