// A broker crash through the real processes (docs/reliability.md, "Broker restart or crash"): a
// real Mosquitto with the shipped persistence settings (saved every 5 s, docs/broker.md) and
// campus-shield with the sample district, subscribed with its persistent session.
//
//  1. 1,000 readings while the server is connected: in history.db.
//  2. The server stops (SIGTERM; its session stays at the broker) and 1,500 readings are
//     published, each acknowledged by the broker: they wait in the server's session. Once the
//     broker has saved them, it is killed (SIGKILL) — a crash, not a shutdown.
//  3. The server starts while the broker is down: /healthz answers 200 "not_ready" and /readyz
//     503, both naming part "broker" and the broker's address. The broker starts again on the
//     same port with the same persistence file; the server reconnects on its own and receives
//     the 1,500 from its restored session; /readyz answers 200.
//  4. The broker is killed again, this time under the connected server: /readyz 503 "broker";
//     restarted; the server reconnects; 500 more readings.
//
// Counted at the end: history.db holds exactly the 3,000 readings published, each once. How
// long each reconnection took after the broker accepted connections again is measured and
// printed, not asserted (the reconnection itself is). About 15 s.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <sqlite3.h>

#include <fstream>
#include <iostream>

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
using steady = std::chrono::steady_clock;

constexpr int live_readings = 1'000;
constexpr int queued_readings = 1'500;
constexpr int after_readings = 500;

constexpr const char* devices[][2] = {{"xh-primary", "xh-kitchen-gas-2"},
                                      {"bh-middle", "bh-kitchen-gas-1"},
                                      {"qs-nine-year", "qs-kitchen-gas-1"}};

// SELECT COUNT(*) (or COUNT(DISTINCT …)) on a connection of its own; -1 on error.
std::int64_t count(const std::filesystem::path& db, const char* sql) {
  sqlite3* c = nullptr;
  std::int64_t n = -1;
  if (sqlite3_open_v2(db.c_str(), &c, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(c, 5000);
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(c, sql, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
  }
  sqlite3_close(c);
  return n;
}

// How many times the broker has begun saving its database (its log, across restarts).
int saves_begun(const mosquitto_broker& broker) {
  std::ifstream in(broker.log_file());
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line.find("Saving in-memory database") != std::string::npos;
  return n;
}

mosquitto_broker::options persistent() {
  mosquitto_broker::options o;
  o.persistence = true;
  return o;
}

class broker_crash : public testing::Test {
 protected:
  void start_server() {
    server_ = std::make_unique<campus_server>(config_, broker_.port(), dir_.path());
  }

  // Publishes n readings (green gas levels), each acknowledged by the broker before it returns.
  void publish(int n) {
    test_publisher pub(broker_.port());
    for (int i = 0; i < n; ++i, ++published_) {
      const auto& d = devices[published_ % std::size(devices)];
      pub.publish_nowait(fmt::format("campus/{}/kitchen/{}/telemetry", d[0], d[1]),
                         fmt::format(R"({{"ts":{},"lel_pct":{}}})", base_ms_ + published_,
                                     1.0 + static_cast<double>(published_ % 300) / 100.0));
    }
    ASSERT_TRUE(pub.wait_all_acked(60s)) << "the broker did not acknowledge every reading";
  }

  std::int64_t rows() { return count(history_db(), "SELECT COUNT(*) FROM readings"); }
  std::filesystem::path history_db() const { return dir_.path() / "data" / "history.db"; }

  // GET path: its status and the reason it gives for part "broker" (empty when none).
  std::pair<int, std::string> broker_problem(const char* path) {
    auto r = http_get(server_->port(), path);
    if (!r) return {0, {}};
    const json::value v = json::parse(r->body);
    if (const auto* problems = v.as_object().if_contains("problems")) {
      for (const auto& p : problems->as_array()) {
        if (p.at("part").as_string() == "broker")
          return {r->status, std::string(p.at("reason").as_string())};
      }
    }
    return {r->status, {}};
  }
  bool ready() {
    auto r = http_get(server_->port(), "/readyz");
    return r && r->status == 200;
  }

  // Starts the broker again (same port, same persistence file) and waits for the server to
  // reconnect; returns the seconds from the broker accepting connections to the server
  // connected, or a negative number if it did not reconnect.
  double restart_broker_and_time_reconnect() {
    broker_.start();  // returns once the port accepts connections
    const auto back = steady::now();
    if (!wait_until([&] { return server_->metric("campus_mqtt_connected") == 1; }, 30s))
      return -1;
    return std::chrono::duration<double>(steady::now() - back).count();
  }

  temp_dir dir_;
  mosquitto_broker broker_{persistent()};
  std::filesystem::path config_ = write_sample_district(dir_, {});
  std::unique_ptr<campus_server> server_;
  const std::int64_t base_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count() -
                                600'000;
  int published_ = 0;
};

TEST_F(broker_crash, every_acknowledged_reading_survives_a_kill_9_of_the_broker) {
  const std::string address = "127.0.0.1:" + std::to_string(broker_.port());

  // --- 1. Connected ---------------------------------------------------------------------------
  start_server();
  ASSERT_TRUE(server_->wait_until_connected()) << "campus-shield did not connect";
  ASSERT_TRUE(wait_until([&] { return ready(); })) << broker_problem("/readyz").second;
  publish(live_readings);
  ASSERT_TRUE(wait_until([&] { return rows() == live_readings; }))
      << "history holds " << rows() << " of " << live_readings;

  // --- 2. Queued for the stopped server, saved, then the broker crashes -----------------------
  ASSERT_EQ(server_->stop(), 0);
  server_.reset();
  publish(queued_readings);
  const int saves_before = saves_begun(broker_);
  // The first save that begins now holds every reading acknowledged before; it has ended when
  // the next one begins (the broker saves on its one thread).
  ASSERT_TRUE(wait_until([&] { return saves_begun(broker_) >= saves_before + 2; },
                         std::chrono::seconds(4 * mosquitto_broker::shipped_autosave_interval_s)))
      << "the broker did not save twice:\n" << broker_.log_tail();
  broker_.kill();

  // --- 3. The server starts while the broker is down, then the broker comes back --------------
  start_server();
  ASSERT_TRUE(wait_until([&] { return broker_problem("/healthz").first == 200; }))
      << "campus-shield did not answer /healthz";
  auto [health_status, health_reason] = broker_problem("/healthz");
  EXPECT_EQ(health_status, 200) << "/healthz is for liveness: 200 while the process lives";
  EXPECT_EQ(json::parse(http_get(server_->port(), "/healthz")->body).at("status"), "not_ready");
  EXPECT_NE(health_reason.find("not connected to the broker at " + address), std::string::npos)
      << health_reason;
  auto [ready_status, ready_reason] = broker_problem("/readyz");
  EXPECT_EQ(ready_status, 503);
  EXPECT_NE(ready_reason.find("not connected to the broker at " + address + " since "),
            std::string::npos)
      << ready_reason;
  std::cout << "while the broker is down, /readyz says: " << ready_reason << std::endl;

  const double first = restart_broker_and_time_reconnect();
  ASSERT_GE(first, 0) << "the server did not reconnect to the restarted broker";
  std::cout << "the server connected " << fmt::format("{:.2f}", first)
            << " s after the restarted broker accepted connections" << std::endl;
  ASSERT_TRUE(wait_until([&] { return rows() == live_readings + queued_readings; }, 30s))
      << "history holds " << rows() << " of " << live_readings + queued_readings
      << ": the broker lost what it had saved for the server's session";
  EXPECT_TRUE(wait_until([&] { return ready(); })) << broker_problem("/readyz").second;

  // --- 4. A crash under the connected server --------------------------------------------------
  broker_.kill();
  ASSERT_TRUE(wait_until([&] { return broker_problem("/readyz").first == 503; }))
      << "/readyz did not report the lost broker";
  EXPECT_NE(broker_problem("/readyz").second.find("not connected to the broker at " + address),
            std::string::npos);
  const double second = restart_broker_and_time_reconnect();
  ASSERT_GE(second, 0) << "the server did not reconnect after the second crash";
  std::cout << "after a crash under the connected server, it reconnected "
            << fmt::format("{:.2f}", second)
            << " s after the restarted broker accepted connections (reconnects counted: "
            << server_->metric("campus_mqtt_reconnects_total") << ")" << std::endl;
  EXPECT_TRUE(wait_until([&] { return ready(); })) << broker_problem("/readyz").second;
  EXPECT_GE(server_->metric("campus_mqtt_reconnects_total"), 1);
  publish(after_readings);

  // --- Counted ---------------------------------------------------------------------------------
  const int all = live_readings + queued_readings + after_readings;
  ASSERT_EQ(published_, all);
  EXPECT_TRUE(wait_until([&] { return rows() == all; }, 30s));
  EXPECT_EQ(rows(), all) << "history.db must hold every acknowledged reading, once";
  EXPECT_EQ(count(history_db(), "SELECT COUNT(DISTINCT device || '/' || ts) FROM readings"), all);
}

}  // namespace
}  // namespace campus::test
