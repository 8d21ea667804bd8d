// kill -9 of the server under load (docs/reliability.md, "Crash (kill -9)"): a real Mosquitto
// and campus-shield with SQLite history; a publisher sends QoS 1 readings at about 400 msg/s,
// each acknowledged by the broker, and a red gas alarm in the middle; the server is killed
// (SIGKILL) mid-stream, the stream goes on into the broker's queue for the server's persistent
// session, the server is started again on the same data directory and drains it. Then every
// reading the broker acknowledged must be a row in history.db — at most one lost, the message
// the server was handling at the instant of the kill — and the alarm must have its one ledger
// entry. Without the crash journal the readings in the history writer's queue and the alert
// on its way to the ledger would be lost: libmosquitto acknowledges before it hands a message
// over (server/journal/message_journal.hpp).
#include <gtest/gtest.h>

#include <signal.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include "campus_server.hpp"
#include "history/sqlite/sqlite_connection.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;

constexpr const char* reading_device = "xh-kitchen-gas-2";
constexpr const char* reading_topic = "campus/xh-primary/kitchen/xh-kitchen-gas-2/telemetry";
constexpr const char* alarm_device = "xh-kitchen-gas-1";
constexpr const char* alarm_topic = "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry";
constexpr int readings = 3'200;     // 8 s at 400 msg/s
constexpr int per_tick = 8;         // published together every 20 ms: 400 msg/s
constexpr int alarm_at = 1'000;     // the alarm goes out after this many readings …
constexpr int kill_at = 1'040;      // … and the server is killed 0.1 s later

// The sample district with SQLite history.
std::filesystem::path write_config(const temp_dir& dir) {
  std::ifstream in(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto path = dir.path() / "district.yaml";
  std::ofstream(path) << text.str();
  return path;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One number from a database the server may be writing (WAL: a read-only connection sees the
// last commit); -1 when it cannot be read.
std::int64_t count(const std::filesystem::path& db, const std::string& sql) {
  auto c = history::sqlite_connection::open(db.string(),
                                            history::sqlite_connection::mode::read_only);
  if (!c) return -1;
  auto n = c->query_text(sql);
  return n ? std::stoll(*n) : -1;
}

TEST(kill_under_load, every_reading_the_broker_acknowledged_is_stored_and_the_alarm_recorded) {
  temp_dir dir;
  mosquitto_broker broker;
  const auto config = write_config(dir);
  auto server = std::make_unique<campus_server>(config, broker.port(), dir.path());
  ASSERT_TRUE(server->wait_until_connected()) << server->process().log_tail();
  const auto data = server->data_dir();
  const auto history_db = data / "history.db";
  const auto ledger_db = data / "ledger.db";

  // Distinct ts per reading (1 ms apart, a minute back); values under every threshold.
  const std::int64_t base = now_ms() - 60'000;
  test_publisher pub(broker.port());
  int killed_after = -1;
  for (int i = 0; i < readings; ++i) {
    pub.publish_nowait(reading_topic, "{\"ts\":" + std::to_string(base + i) +
                                          ",\"lel_pct\":" + std::to_string(i % 5) + "}");
    if (i + 1 == alarm_at) pub.publish_nowait(alarm_topic, R"({"lel_pct":40})");
    if (i + 1 == kill_at) {
      ASSERT_EQ(::kill(server->process().pid(), SIGKILL), 0);
      killed_after = i + 1;
    }
    if ((i + 1) % per_tick == 0) std::this_thread::sleep_for(20ms);
  }
  // Every message above was acknowledged by the broker: it has them, queued for the server's
  // session while the server is down.
  ASSERT_TRUE(pub.wait_all_acked(60s));
  ASSERT_TRUE(server->process().wait_exit(10s).has_value());
  const auto before_restart =
      count(history_db, std::string("SELECT count(*) FROM readings WHERE device = '") +
                            reading_device + "'");
  std::cout << "killed after " << killed_after << " of " << readings << " readings; "
            << before_restart << " rows in history.db at the kill\n";
  server.reset();

  server = std::make_unique<campus_server>(config, broker.port(), dir.path());
  ASSERT_TRUE(server->wait_until_connected()) << server->process().log_tail();
  const std::string rows =
      std::string("SELECT count(*) FROM readings WHERE device = '") + reading_device + "'";
  // Drained: every reading stored, or (the one in hand lost) no more coming.
  std::int64_t stored = -1;
  wait_until(
      [&] {
        stored = count(history_db, rows);
        return stored >= readings;
      },
      30s, 100ms);
  if (stored < readings) {
    std::this_thread::sleep_for(2s);  // the last commits after the broker's queue ran dry
    stored = count(history_db, rows);
  }
  const std::int64_t alarms = count(
      ledger_db, std::string("SELECT count(*) FROM entries WHERE device = '") + alarm_device +
                     "' AND rule = 'gas-leak'");
  const double replayed = server->metric("campus_journal_replayed_total");
  std::cout << stored << " of " << readings << " readings stored; " << alarms
            << " ledger entries for the alarm; " << replayed << " messages replayed\n";
  EXPECT_GE(stored, readings - 1) << "readings acknowledged by the broker were lost";
  EXPECT_LE(stored, readings) << "a reading stored twice";
  EXPECT_EQ(alarms, 1) << "the red gas alarm has no ledger entry (0) or two (2)";
  EXPECT_EQ(server->stop(30s), 0);
}

}  // namespace
}  // namespace campus::test
