// History through the whole server process: readings published to a real Mosquitto must be in
// the history store after the server stops and starts again — in SQLite, and in a real InfluxDB
// that was away while they arrived (the spool carries them across the restart).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <numeric>
#include <sstream>

#include "campus_server.hpp"
#include "support/influxdb_server.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"
#include "ws_client.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* device = "xh-kitchen-gas-2";
constexpr const char* topic = "campus/xh-primary/kitchen/xh-kitchen-gas-2/telemetry";

// The sample district with its history section replaced.
std::filesystem::path write_config(const temp_dir& dir, const std::string& history_yaml) {
  std::ifstream in(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string from = "history:\n  backend: sqlite\n  sqlite:\n    retention: 400d\n";
  auto at = yaml.find(from);
  if (at == std::string::npos) throw std::runtime_error("sample config has no history block");
  yaml.replace(at, from.size(), history_yaml);
  auto path = dir.path() / "district.yaml";
  std::ofstream(path) << yaml;
  return path;
}

class history_server : public testing::Test {
 protected:
  void start_server(const std::filesystem::path& config) {
    server_ = std::make_unique<campus_server>(config, broker_.port(), dir_.path());
    http_port_ = server_->port();
    ASSERT_TRUE(server_->wait_until_connected()) << "campus-shield did not come up";
  }

  // SIGTERM: the server must write or spool its history before it exits, and exit 0.
  void stop_server() {
    ASSERT_EQ(server_->stop(30s), 0);
    server_.reset();
  }

  double metric(const std::string& series) { return server_->metric(series); }

  // Publishes lel_pct = 0.01 * i for i in [first, first + n), spaced 1 ms apart in ts.
  double publish(int first, int n) {
    test_publisher pub(broker_.port());
    const auto base = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count() -
                      60'000;
    double sum = 0;
    for (int i = first; i < first + n; ++i) {
      const double v = 0.01 * i;
      sum += v;
      pub.publish_nowait(topic, "{\"ts\":" + std::to_string(base + i) + ",\"lel_pct\":" +
                                    std::to_string(v) + "}");
    }
    EXPECT_TRUE(pub.wait_all_acked(60s));
    return sum;
  }

  // count and sum of the device's lel_pct over the last hour, through the server's own API.
  std::pair<std::int64_t, double> api_totals() {
    auto r = server_->get(std::string("/api/history?device=") + device +
                                      "&metric=lel_pct&step=1d&from=" +
                                      std::to_string(now_ms() - 3'600'000));
    if (!r || r->status != 200) return {-1, 0};
    std::int64_t count = 0;
    double sum = 0;
    const json::value body = json::parse(r->body);
    for (const auto& p : body.at("points").as_array()) {
      const auto n = p.at("count").to_number<std::int64_t>();
      count += n;
      sum += p.at("mean").to_number<double>() * static_cast<double>(n);
    }
    return {count, sum};
  }

  static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  temp_dir dir_;
  mosquitto_broker broker_;
  int http_port_ = 0;
  std::unique_ptr<campus_server> server_;
};

TEST_F(history_server, sqlite_keeps_every_reading_across_a_restart) {
  auto config = write_config(dir_, "history:\n  backend: sqlite\n");
  start_server(config);
  const double sum = publish(0, 500);
  ASSERT_TRUE(wait_until([&] { return api_totals().first == 500; }))
      << "history holds " << api_totals().first << " of 500";
  stop_server();

  start_server(config);
  auto [count, total] = api_totals();
  EXPECT_EQ(count, 500);
  EXPECT_NEAR(total, sum, 1e-6);
}

TEST_F(history_server, influxdb_outage_readings_are_spooled_and_arrive_after_a_restart) {
  influxdb_server influx;
  auto config = write_config(dir_, "history:\n  backend: influxdb\n  influxdb:\n    url: \"" +
                                       influx.url() +
                                       "\"\n    database: campus\n    batch_size: 100\n"
                                       "    flush_interval: 200ms\n    timeout: 2s\n");
  auto influx_count = [&]() -> std::int64_t {
    try {
      const json::value v = json::parse(influx.query(
          "campus", std::string("SELECT count(\"value\"), sum(\"value\") FROM \"reading\" WHERE "
                                "\"device\" = '") +
                        device + "'"));
      const auto& series = v.at("results").at(0).as_object();
      if (!series.contains("series")) return 0;
      return series.at("series").at(0).at("values").at(0).at(1).to_number<std::int64_t>();
    } catch (const std::exception&) {
      return -1;  // not reachable right now
    }
  };
  start_server(config);
  double sum = publish(0, 300);
  ASSERT_TRUE(wait_until([&] { return influx_count() == 300; }, 30s))
      << "InfluxDB holds " << influx_count();

  influx.stop();
  sum += publish(300, 700);
  ASSERT_TRUE(wait_until([&] { return metric("campus_readings_total") >= 1000; }));
  stop_server();  // what InfluxDB did not take is now in the spool
  EXPECT_FALSE(std::filesystem::is_empty(dir_.path() / "data" / "spool"));

  influx.start();
  start_server(config);
  ASSERT_TRUE(wait_until([&] { return influx_count() == 1000; }, 60s))
      << "InfluxDB holds " << influx_count() << " of 1000 after the restart";
  const json::value v = json::parse(influx.query(
      "campus", std::string("SELECT sum(\"value\") FROM \"reading\" WHERE \"device\" = '") +
                    device + "'"));
  EXPECT_NEAR(v.at("results").at(0).at("series").at(0).at("values").at(0).at(1).to_number<double>(),
              sum, 1e-6);
  // And the server answers history queries from InfluxDB.
  EXPECT_EQ(api_totals().first, 1000);
}

}  // namespace
}  // namespace campus::test
