// kill -9 of the server under load (docs/reliability.md, "Crash (kill -9)"): a real Mosquitto
// and campus-shield with SQLite history (and again with a real InfluxDB); a publisher sends QoS 1 readings at about 400 msg/s,
// each acknowledged by the broker, and a red gas alarm in the middle; the server is killed
// (SIGKILL) mid-stream, the stream goes on into the broker's queue for the server's persistent
// session, the server is started again on the same data directory and drains it. Then every
// reading the broker acknowledged must be stored (a row in history.db, a point in InfluxDB) —
// at most one lost, the message
// the server was handling at the instant of the kill — and the alarm must have its one ledger
// entry. Without the crash journal the readings in the history writer's queue and the alert
// on its way to the ledger would be lost: libmosquitto acknowledges before it hands a message
// over (server/journal/message_journal.hpp).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <signal.h>

#include <atomic>
#include <functional>
#include <fstream>
#include <sstream>
#include <thread>

#include "campus_server.hpp"
#include "history/sqlite/sqlite_connection.hpp"
#include "support/influxdb_server.hpp"
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

// The sample district, its history section replaced when `history_yaml` is given.
std::filesystem::path write_config(const temp_dir& dir, const std::string& history_yaml = {}) {
  std::ifstream in(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  if (!history_yaml.empty()) {
    const std::string from = "history:\n  backend: sqlite\n  sqlite:\n    retention: 400d\n";
    auto at = yaml.find(from);
    if (at == std::string::npos) throw std::runtime_error("sample config has no history block");
    yaml.replace(at, from.size(), history_yaml);
  }
  auto path = dir.path() / "district.yaml";
  std::ofstream(path) << yaml;
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

// The whole case; `stored_readings` counts the reading device's readings in the store (-1:
// cannot be read now).
void kill_and_restart_under_load(const temp_dir& dir, const std::filesystem::path& config,
                                 mosquitto_broker& broker,
                                 const std::function<std::int64_t()>& stored_readings) {
  auto server = std::make_unique<campus_server>(config, broker.port(), dir.path());
  ASSERT_TRUE(server->wait_until_connected()) << server->process().log_tail();
  const auto data = server->data_dir();
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
  const auto before_restart = stored_readings();
  std::cout << "killed after " << killed_after << " of " << readings << " readings; "
            << before_restart << " stored at the kill\n";
  server.reset();

  server = std::make_unique<campus_server>(config, broker.port(), dir.path());
  ASSERT_TRUE(server->wait_until_connected()) << server->process().log_tail();
  // Drained: every reading stored, or (the one in hand lost) no more coming.
  std::int64_t stored = -1;
  wait_until(
      [&] {
        stored = stored_readings();
        return stored >= readings;
      },
      30s, 100ms);
  if (stored < readings) {
    std::this_thread::sleep_for(2s);  // the last commits after the broker's queue ran dry
    stored = stored_readings();
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

TEST(kill_under_load, sqlite_every_reading_the_broker_acknowledged_is_stored_and_the_alarm_recorded) {
  temp_dir dir;
  mosquitto_broker broker;
  const auto history_db = dir.path() / "data" / "history.db";
  kill_and_restart_under_load(dir, write_config(dir), broker, [&] {
    return count(history_db, std::string("SELECT count(*) FROM readings WHERE device = '") +
                                 reading_device + "'");
  });
}

// InfluxDB with the shipped batching (5,000 points or 1 s): the batch in memory at the kill
// is what the journal brings back; InfluxDB keeps one point per series and timestamp.
TEST(kill_under_load, influxdb_every_reading_the_broker_acknowledged_is_stored_and_the_alarm_recorded) {
  temp_dir dir;
  mosquitto_broker broker;
  influxdb_server influx;
  const auto config = write_config(
      dir, "history:\n  backend: influxdb\n  influxdb:\n    url: \"" + influx.url() +
               "\"\n    database: campus\n    batch_size: 5000\n    flush_interval: 1s\n"
               "    timeout: 2s\n");
  kill_and_restart_under_load(dir, config, broker, [&]() -> std::int64_t {
    try {
      const auto v = boost::json::parse(influx.query(
          "campus", std::string("SELECT count(\"value\") FROM \"reading\" WHERE \"device\" = '") +
                        reading_device + "' AND \"metric\" = 'lel_pct'"));
      const auto& result = v.at("results").at(0).as_object();
      if (!result.contains("series")) return 0;
      return result.at("series").at(0).at("values").at(0).at(1).to_number<std::int64_t>();
    } catch (const std::exception&) {
      return -1;
    }
  });
}

}  // namespace
}  // namespace campus::test
