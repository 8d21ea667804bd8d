// Overload through the real processes (docs/reliability.md, "Overload: alerts first,
// backpressure"): a real Mosquitto and campus-shield with the sample district, whose history
// section lowers the high-water mark to 3,000 readings (low-water 1,000) so that overload comes
// quickly without a huge load. One admin page on /ws reads slowly (1 ms per reading).
//
//  1. Alerts first: two pond beacons report a new wristband tag each (a new reading key each,
//     so nothing coalesces) at about 3,000 messages a second for 3 s, more than the page reads,
//     so readings wait in its queue; a red gas alarm (40 %LEL on xh-kitchen-gas-1) is published
//     after 2 s. Counted: the alarm's ledger entry reaches the page before readings published
//     before it (it overtook them in the page's queue), and its time to screen, from the
//     publish to the WebSocket message's arrival (asserted under 1 s, the product's promise).
//  2. A stalled history: the test holds history.db's write lock (a stalled disk) while 20,000
//     readings of four kitchen gas detectors are published as fast as the broker takes them,
//     then a red alarm on a fifth. Counted: /readyz answers 503 naming history, whose
//     readings wait in the crash journal; the server reads every message (none waits at the
//     broker) and holds at most the high-water mark plus one message of readings for history in
//     memory; the alarm reaches the page while the lock is still held (under 1 s); then the lock
//     goes, /readyz answers 200 again, and history.db holds exactly every reading published
//     (the broker acknowledged them all), with no reconnection (a redelivery would add rows),
//     and the journal lets the held segments go.
//  3. A kill -9 in such a stall, once the journal has marked the messages handled: after the
//     restart no message goes through the pipeline again (the alarm keeps its one entry) and
//     history.db holds every reading published.
//  4. Without the journal (ingest.journal: false) the same stall pauses ingest instead: the
//     backlog waits at the broker, and every reading is stored once the lock goes.
//
// Every wait is bounded and asserted on its outcome, never on its duration, except the time to
// screen the issue asks for.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <sqlite3.h>

#include <atomic>
#include <csignal>
#include <fstream>
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
using wall = std::chrono::system_clock;

constexpr std::size_t high_water = 3'000;
constexpr std::size_t low_water = 1'000;
constexpr int beacon_messages_per_tick = 30;  // every 10 ms: about 3,000 messages a second
constexpr int ticks_before_alarm = 200;
constexpr int ticks_after_alarm = 100;
constexpr int readings_while_stalled = 20'000;
constexpr const char* alarm_device = "xh-kitchen-gas-1";
constexpr const char* stall_alarm_device = "qs-kitchen-gas-2";

struct load_device {
  const char* site;
  const char* id;
};
constexpr load_device load_devices[] = {{"xh-primary", "xh-kitchen-gas-2"},
                                        {"bh-middle", "bh-kitchen-gas-1"},
                                        {"bh-middle", "bh-kitchen-gas-2"},
                                        {"qs-nine-year", "qs-kitchen-gas-1"}};

// What the page received, in order of arrival.
struct arrival {
  wall::time_point at;
  std::string type;
  std::string device;
  std::int64_t ts = 0;  // a reading's timestamp: the test's sequence number after base_ms
};

// SELECT COUNT(*) FROM readings on a connection of its own; -1 on error.
std::int64_t count_rows(const std::filesystem::path& db) {
  sqlite3* c = nullptr;
  std::int64_t n = -1;
  if (sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(c, 5000);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(c, "SELECT COUNT(*) FROM readings", -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(c);
  return n;
}

class overload : public testing::Test {
 protected:
  void SetUp() override { start(true); }

  void start(bool journal) {
    if (server_) server_->stop();
    std::vector<std::pair<std::string, std::string>> edits{
        {"history:\n  backend: sqlite\n",
         "history:\n  backend: sqlite\n  queue_high_water: " + std::to_string(high_water) +
             "\n  queue_low_water: " + std::to_string(low_water) + "\n"}};
    if (!journal) edits.push_back({"ingest:\n", "ingest:\n  journal: false\n"});
    config_ = write_sample_district(dir_, edits);
    server_ = std::make_unique<campus_server>(config_, broker_.port(), dir_.path());
    ASSERT_TRUE(server_->wait_until_connected()) << "campus-shield did not come up";
  }

  void TearDown() override {
    stop_reading_ = true;
    if (server_) server_->stop();
    if (reader_.joinable()) reader_.join();
  }

  // A page that reads slowly: 1 ms per reading, with an 8 KiB receive buffer, as a phone on a
  // poor link might.
  void start_slow_page() {
    ws_.set_receive_buffer(8 * 1024);  // a small window: most of the lag is in the server
    ASSERT_TRUE(server_->connect(ws_));
    ASSERT_TRUE(ws_.next(5s));  // the snapshot
    reader_ = std::thread([this] {
      while (!stop_reading_) {
        auto m = ws_.next(60s);
        if (!m) return;
        arrival a{wall::now(), std::string(m->at("type").as_string()), {}, 0};
        if (a.type == "reading") {
          a.device = std::string(m->at("reading").at("device").as_string());
          a.ts = m->at("reading").at("ts").as_int64();
          std::this_thread::sleep_for(1ms);
        } else if (a.type == "alert") {
          a.device = std::string(m->at("alert").at("device").as_string());
        }
        std::lock_guard lock(mutex_);
        arrivals_.push_back(std::move(a));
      }
    });
  }

  // Publishes one message of the next pond beacon, stamped base_ms_ + seq: a tag never heard
  // before, far from the water (two readings: its distance, and the tags near).
  void publish_beacon(test_publisher& pub) {
    const bool xh = seq_ % 2 == 0;
    const std::string topic = xh ? "campus/xh-primary/pond/xh-pond-beacon-1/telemetry"
                                 : "campus/bh-middle/pond/bh-pond-beacon-1/telemetry";
    pub.publish_nowait(topic, fmt::format(R"({{"ts":{},"tags":[{{"id":"tag-{}","dist_m":50}}]}})",
                                          base_ms_ + seq_, seq_));
    ++seq_;
    published_ += 2;
    ++messages_;
  }

  // Publishes one reading of the next load device, stamped base_ms_ + seq.
  void publish_reading(test_publisher& pub) {
    const auto& d = load_devices[seq_ % std::size(load_devices)];
    const std::string topic = std::string("campus/") + d.site + "/kitchen/" + d.id + "/telemetry";
    const double lel = 1.0 + static_cast<double>(seq_ % 300) / 100.0;  // green: under 10
    pub.publish_nowait(topic, fmt::format(R"({{"ts":{},"lel_pct":{}}})", base_ms_ + seq_, lel));
    ++seq_;
    ++published_;
    ++messages_;
  }

  std::optional<json::value> readyz() {
    auto r = http_get(server_->port(), "/readyz");
    if (!r) return std::nullopt;
    json::value v = json::parse(r->body);
    v.as_object()["http_status"] = r->status;
    return v;
  }

  // The reason /readyz gives for part "history"; empty when it names none.
  std::string history_problem() {
    auto v = readyz();
    if (!v || v->at("http_status").as_int64() != 503) return {};
    for (const auto& p : v->at("problems").as_array())
      if (p.at("part").as_string() == "history") return std::string(p.at("reason").as_string());
    return {};
  }

  // Takes history.db's write lock (a stalled disk): whatever the writer has in hand goes first;
  // then it cannot write until release_history_lock(). SQLITE_BUSY can come at once, without
  // the busy handler, while the WAL index is being set up: tried again until the lock is ours.
  sqlite3* hold_history_lock() {
    const auto db = server_->data_dir() / "history.db";
    sqlite3* lock = nullptr;
    if (sqlite3_open(db.c_str(), &lock) != SQLITE_OK) return nullptr;
    sqlite3_busy_timeout(lock, 30'000);
    int begun = SQLITE_BUSY;
    while ((begun = sqlite3_exec(lock, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr)) ==
           SQLITE_BUSY) {
      std::this_thread::sleep_for(10ms);
    }
    if (begun != SQLITE_OK) {
      sqlite3_close(lock);
      return nullptr;
    }
    return lock;
  }

  static void release_history_lock(sqlite3* lock) {
    EXPECT_EQ(sqlite3_exec(lock, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(lock);
  }

  // Ledger entries of the stall alarm's detector, open or not (GET /api/alerts).
  std::size_t alarm_entries() {
    auto r = server_->get(std::string("/api/alerts?device=") + stall_alarm_device);
    if (!r || r->status != 200) return 0;
    return json::parse(r->body).at("alerts").as_array().size();
  }

  // Waits until /readyz names history (the stall is seen) and returns its reason.
  std::string stalled_history_problem() {
    std::string problem;
    EXPECT_TRUE(wait_until([&] { return !(problem = history_problem()).empty(); }, 30s))
        << "/readyz never said history was behind";
    std::printf("[ measured ] /readyz while stalled: %s\n", problem.c_str());
    return problem;
  }

  // Once the stall is over: waits until /readyz answers 200 again and history.db holds every
  // reading published; returns the rows counted last.
  std::int64_t rows_once_ready_again() {
    EXPECT_TRUE(wait_until([&] { return history_problem().empty() && readyz() &&
                                        readyz()->at("http_status").as_int64() == 200; },
                           60s))
        << "/readyz did not turn ready again";
    const auto db = server_->data_dir() / "history.db";
    std::int64_t rows = -1;
    EXPECT_TRUE(wait_until([&] { return (rows = count_rows(db)) == published_; }, 60s))
        << rows << " rows in history.db, " << published_ << " readings published";
    return rows;
  }

  // MQTT messages published so far (a beacon message carries two readings).
  double messages_published() const { return static_cast<double>(messages_); }

  temp_dir dir_;
  mosquitto_broker broker_;

  std::filesystem::path config_;
  std::unique_ptr<campus_server> server_;
  ws_client ws_;
  std::thread reader_;
  std::atomic<bool> stop_reading_{false};
  std::mutex mutex_;
  std::vector<arrival> arrivals_;
  const std::int64_t base_ms_ =
      std::chrono::duration_cast<std::chrono::milliseconds>(wall::now().time_since_epoch())
          .count() -
      60'000;
  std::int64_t seq_ = 0;
  std::int64_t published_ = 0;  // readings, the alarm's included
  std::int64_t messages_ = 0;   // messages, the alarms' included
};

TEST_F(overload, alerts_overtake_readings_and_a_stalled_history_waits_in_the_journal) {
  start_slow_page();
  test_publisher pub(broker_.port());

  // --- 1. Alerts first ----------------------------------------------------------------------
  // Paced (the sleeps set the load, nothing is timed): the server keeps up, the page does not.
  auto beacon_tick = [&] {
    for (int i = 0; i < beacon_messages_per_tick; ++i) publish_beacon(pub);
    std::this_thread::sleep_for(10ms);
  };
  for (int t = 0; t < ticks_before_alarm; ++t) beacon_tick();
  const std::int64_t alarm_seq = seq_++;
  const auto published_at = wall::now();
  pub.publish_nowait(std::string("campus/xh-primary/kitchen/") + alarm_device + "/telemetry",
                     fmt::format(R"({{"ts":{},"lel_pct":40}})", base_ms_ + alarm_seq));
  ++published_;
  ++messages_;
  for (int t = 0; t < ticks_after_alarm; ++t) beacon_tick();
  ASSERT_TRUE(pub.wait_all_acked(60s));

  std::optional<arrival> alert;
  ASSERT_TRUE(wait_until(
      [&] {
        std::lock_guard lock(mutex_);
        for (const auto& a : arrivals_)
          if (a.type == "alert" && a.device == alarm_device) alert = a;
        return alert.has_value();
      },
      30s))
      << "the alarm never reached the page";
  // Readings published before the alarm, arriving after it: it overtook them. Waited for (the
  // slow page reads them in the end), bounded.
  std::int64_t overtaken = 0;
  wait_until(
      [&] {
        std::lock_guard lock(mutex_);
        overtaken = 0;
        bool after = false;
        for (const auto& a : arrivals_) {
          if (a.type == "alert" && a.device == alarm_device) after = true;
          if (after && a.type == "reading" && a.ts - base_ms_ < alarm_seq) ++overtaken;
        }
        return overtaken > 0;
      },
      30s);
  const auto to_screen =
      std::chrono::duration_cast<std::chrono::milliseconds>(alert->at - published_at);
  std::printf("[ measured ] alarm to screen %lld ms; %lld readings published before it arrived "
              "after it\n",
              static_cast<long long>(to_screen.count()), static_cast<long long>(overtaken));
  EXPECT_GT(overtaken, 0) << "the alarm waited behind the readings queued for the page";
  EXPECT_LT(to_screen, 1s);

  // --- 2. A stalled history: its readings wait in the journal, the alarm does not ---------
  sqlite3* lock = hold_history_lock();
  ASSERT_NE(lock, nullptr);
  for (int i = 0; i < readings_while_stalled; ++i) publish_reading(pub);
  ASSERT_TRUE(pub.wait_all_acked(60s)) << "the broker did not take the load";

  const std::string problem = stalled_history_problem();
  EXPECT_NE(problem.find("crash journal"), std::string::npos) << problem;
  EXPECT_EQ(server_->metric("campus_history_held"), 1);
  // Every message is read while history is stalled: none waits at the broker.
  EXPECT_TRUE(wait_until(
      [&] { return server_->metric("campus_mqtt_messages_total") >= messages_published(); }, 30s))
      << server_->metric("campus_mqtt_messages_total") << " of " << messages_published()
      << " messages read";
  EXPECT_EQ(server_->metric("campus_ingest_paused"), 0);
  // Memory holds at most the high-water mark (and the message that crossed it); the rest is in
  // the journal.
  const double held = server_->metric("campus_history_queue_depth");
  std::printf("[ measured ] readings held in memory for history while stalled: %.0f (high-water "
              "%zu); journal %.0f bytes\n",
              held, high_water, server_->metric("campus_journal_bytes"));
  EXPECT_LE(held, static_cast<double>(high_water + 1));
  // A red alarm while history is still stalled: before, it waited at the broker until the
  // store caught up.
  const auto stall_alarm_at = wall::now();
  pub.publish(std::string("campus/qs-nine-year/kitchen/") + stall_alarm_device + "/telemetry",
              fmt::format(R"({{"ts":{},"lel_pct":40}})", base_ms_ + seq_++));
  ++published_;
  ++messages_;
  std::optional<arrival> stall_alert;
  EXPECT_TRUE(wait_until(
      [&] {
        std::lock_guard guard(mutex_);
        for (const auto& a : arrivals_)
          if (a.type == "alert" && a.device == stall_alarm_device) stall_alert = a;
        return stall_alert.has_value();
      },
      30s))
      << "the alarm raised while history was stalled never reached the page";
  if (stall_alert) {
    const auto stall_to_screen =
        std::chrono::duration_cast<std::chrono::milliseconds>(stall_alert->at - stall_alarm_at);
    std::printf("[ measured ] alarm to screen while history is stalled: %lld ms\n",
                static_cast<long long>(stall_to_screen.count()));
    EXPECT_LT(stall_to_screen, 1s);
  }
  EXPECT_FALSE(history_problem().empty()) << "history is still stalled: /readyz must say so";

  release_history_lock(lock);
  const std::int64_t rows = rows_once_ready_again();
  std::printf("[ measured ] %lld readings published, %lld rows in history.db, %.0f messages read "
              "back from the journal\n",
              static_cast<long long>(published_), static_cast<long long>(rows),
              server_->metric("campus_history_read_back_total"));
  EXPECT_GT(server_->metric("campus_history_read_back_total"), 0);
  EXPECT_EQ(server_->metric("campus_history_held"), 0);
  EXPECT_EQ(server_->metric("campus_ingest_pauses_total"), 0);
  EXPECT_EQ(server_->metric("campus_history_dropped_total"), 0);
  EXPECT_EQ(server_->metric("campus_mqtt_reconnects_total"), 0);
  // The held segments go once history has stored them (a segment is sealed every 2 s).
  double segments = -1;
  EXPECT_TRUE(wait_until(
      [&] { return (segments = server_->metric("campus_journal_segments")) <= 2; }, 30s))
      << segments << " journal segments left";
}

// A kill -9 while history is stalled: the messages were handled (the alarm recorded and
// texted) but their readings wait in the journal. At the next start nothing handled goes
// through the pipeline again (no alarm raised twice), and every reading reaches history.
TEST_F(overload, a_kill_9_while_history_waits_in_the_journal_loses_no_reading_and_raises_nothing_twice) {
  test_publisher pub(broker_.port());
  sqlite3* lock = hold_history_lock();
  ASSERT_NE(lock, nullptr);
  for (int i = 0; i < 6'000; ++i) publish_reading(pub);
  pub.publish(std::string("campus/qs-nine-year/kitchen/") + stall_alarm_device + "/telemetry",
              fmt::format(R"({{"ts":{},"lel_pct":40}})", base_ms_ + seq_++));
  ++published_;
  ++messages_;
  ASSERT_TRUE(pub.wait_all_acked(60s));
  ASSERT_TRUE(wait_until(
      [&] { return server_->metric("campus_mqtt_messages_total") >= messages_published(); }, 30s));
  ASSERT_EQ(server_->metric("campus_history_held"), 1);
  ASSERT_TRUE(wait_until([&] { return alarm_entries() == 1; }, 15s, 100ms));

  // Until the segment holding the last message is sealed (every 2 s) and the desk has covered
  // it: journal/handled names it.
  const auto journal_dir = server_->data_dir() / "journal";
  const auto handled_all = [&] {
    std::uint64_t newest = 0;
    for (const auto& e : std::filesystem::directory_iterator(journal_dir)) {
      const auto name = e.path().filename().string();
      if (e.path().extension() == ".journal" && std::filesystem::file_size(e.path()) > 0)
        newest = std::max<std::uint64_t>(newest, std::stoull(name.substr(8, 20)));
    }
    std::ifstream in(journal_dir / "handled");
    std::uint64_t handled = 0;
    return in >> handled && newest > 0 && handled >= newest;
  };
  ASSERT_TRUE(wait_until(handled_all, 30s, 100ms)) << "the journal never recorded the handled mark";
  ASSERT_EQ(::kill(server_->process().pid(), SIGKILL), 0);
  server_->stop(1s);
  release_history_lock(lock);
  const auto db = server_->data_dir() / "history.db";
  const auto rows_before = count_rows(db);
  ASSERT_LT(rows_before, published_) << "history should have been behind at the kill";

  server_ = std::make_unique<campus_server>(config_, broker_.port(), dir_.path());
  ASSERT_TRUE(server_->wait_until_connected());
  std::int64_t rows = -1;
  EXPECT_TRUE(wait_until([&] { return (rows = count_rows(db)) == published_; }, 60s))
      << rows << " rows in history.db, " << published_ << " readings published";
  std::printf("[ measured ] kill -9 with history %lld readings behind: %lld rows after the "
              "restart of %lld published; %.0f messages handled again, %.0f read back\n",
              static_cast<long long>(published_ - rows_before), static_cast<long long>(rows),
              static_cast<long long>(published_), server_->metric("campus_journal_replayed_total"),
              server_->metric("campus_history_read_back_total"));
  EXPECT_EQ(server_->metric("campus_journal_replayed_total"), 0)
      << "messages handled before the kill went through the pipeline again";
  EXPECT_GT(server_->metric("campus_history_read_back_total"), 0);
  EXPECT_EQ(alarm_entries(), 1) << "the alarm was raised again";
  EXPECT_EQ(server_->metric("campus_alert_events_total{event=\"raised\"}"), -1)
      << "an alert was raised after the restart";
  EXPECT_TRUE(wait_until([&] { return server_->metric("campus_history_held") == 0; }, 30s));
}

TEST_F(overload, without_the_journal_a_stalled_history_pauses_ingest_and_drops_nothing) {
  start(false);
  test_publisher pub(broker_.port());
  sqlite3* lock = hold_history_lock();
  ASSERT_NE(lock, nullptr);
  for (int i = 0; i < readings_while_stalled; ++i) publish_reading(pub);
  ASSERT_TRUE(pub.wait_all_acked(60s)) << "the broker did not take the load";

  const std::string problem = stalled_history_problem();
  EXPECT_NE(problem.find("behind"), std::string::npos) << problem;
  EXPECT_NE(problem.find("ingest paused"), std::string::npos) << problem;
  EXPECT_EQ(server_->metric("campus_ingest_paused"), 1);
  // The backlog waits at the broker, not in the server: at most the high-water mark, plus the
  // message that crossed it and what the keepalive reads let in (32 messages per 15 s).
  const double held = server_->metric("campus_history_queue_depth");
  std::printf("[ measured ] readings held for history while paused: %.0f (high-water %zu)\n",
              held, high_water);
  EXPECT_LE(held, static_cast<double>(high_water + 1 + 2 * 32));
  const double read_while_paused = server_->metric("campus_mqtt_messages_total");
  EXPECT_LT(read_while_paused, static_cast<double>(published_)) << "nothing waited at the broker";

  release_history_lock(lock);
  const std::int64_t rows = rows_once_ready_again();
  std::printf("[ measured ] %lld readings published, %lld rows in history.db, %.0f pauses\n",
              static_cast<long long>(published_), static_cast<long long>(rows),
              server_->metric("campus_ingest_pauses_total"));
  EXPECT_EQ(server_->metric("campus_history_dropped_total"), 0);
  EXPECT_GE(server_->metric("campus_ingest_pauses_total"), 1);
  EXPECT_EQ(server_->metric("campus_mqtt_reconnects_total"), 0);
  EXPECT_EQ(server_->metric("campus_ingest_paused"), 0);
}

}  // namespace
}  // namespace campus::test
