// The bureau's live view at district scale, through the real processes (docs/alerts.md, "/ws"):
// campus-sim generates a district of 10,000 devices; a bureau client's snapshot carries the
// schools and their summaries but no device; it watches one school and from then on gets the
// readings of that school only, while an alert of another school still reaches it, with that
// school's summary. A school's own user keeps today's snapshot (its devices, no watch needed).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "campus_server.hpp"
#include "support/child_process.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"
#include "ws_client.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

struct school {
  std::string site;
  std::string gas_topic;  // its first gas detector's telemetry topic
  std::string gas_device;
  std::size_t devices = 0;
};

class district_scale : public testing::Test {
 protected:
  void SetUp() override {
    const auto config = dir_.path() / "district.yaml";
    child_process sim({CAMPUS_SIM_BINARY, "--generate-district", config.string(), "--devices",
                       "10000"},
                      dir_.path() / "sim.log");
    ASSERT_EQ(sim.wait_exit(300s).value_or(-1), 0) << sim.log_tail();
    server_ = std::make_unique<campus_server>(
        config, broker_.port(), dir_.path(),
        std::vector<test_user>{{"bureau", "bureau", {}, "李明"}});
    ASSERT_TRUE(server_->wait_until_connected());
    auto sites = server_->get("/api/sites", "bureau");
    ASSERT_TRUE(sites && sites->status == 200);
    const auto sites_json = json::parse(sites->body);
    for (const auto& s : sites_json.at("sites").as_array()) {
      if (schools_.size() == 3) break;
      school sc;
      sc.site = std::string(s.at("id").as_string());
      auto devices = server_->get("/api/devices?site=" + sc.site, "bureau");
      ASSERT_TRUE(devices && devices->status == 200);
      const auto devices_json = json::parse(devices->body);
      const auto& list = devices_json.at("devices").as_array();
      sc.devices = list.size();
      for (const auto& d : list) {
        if (d.at("family") != "gas_detector") continue;
        sc.gas_device = std::string(d.at("id").as_string());
        sc.gas_topic = "campus/" + sc.site + "/" + std::string(d.at("zone").as_string()) + "/" +
                       sc.gas_device + "/telemetry";
        break;
      }
      ASSERT_FALSE(sc.gas_device.empty()) << sc.site;
      schools_.push_back(sc);
    }
    site_count_ = sites_json.at("sites").as_array().size();
  }

  temp_dir dir_;
  mosquitto_broker broker_;
  std::unique_ptr<campus_server> server_;
  test_publisher pub_{broker_.port()};
  std::vector<school> schools_;
  std::size_t site_count_ = 0;
};

bool is_type(const json::value& m, std::string_view type) {
  const auto* t = m.is_object() ? m.as_object().if_contains("type") : nullptr;
  return t && t->is_string() && t->get_string() == type;
}

TEST_F(district_scale, a_bureau_client_watches_one_school_and_gets_only_its_readings_and_every_summary) {
  ASSERT_GE(site_count_, 700u);
  ASSERT_EQ(schools_.size(), 3u);
  const auto& a = schools_[0];  // watched
  const auto& b = schools_[1];  // readings only, never sent
  const auto& c = schools_[2];  // an alert

  ws_client ws;
  ASSERT_TRUE(server_->connect(ws, "bureau"));
  auto snapshot = ws.next(30s);
  ASSERT_TRUE(snapshot && is_type(*snapshot, "snapshot"));
  EXPECT_TRUE(snapshot->at("devices").as_array().empty());
  EXPECT_TRUE(snapshot->at("watching").as_array().empty());
  EXPECT_EQ(snapshot->at("sites").as_array().size(), site_count_);
  // The summaries may be a pass behind a server that just started; once there, one per school.
  const auto& tallies = snapshot->at("schools").as_array();
  EXPECT_TRUE(tallies.empty() || tallies.size() == site_count_) << tallies.size();
  EXPECT_LT(json::serialize(*snapshot).size(), 1'000'000u);

  ASSERT_TRUE(ws.send(R"({"type":"watch","sites":[")" + a.site + R"(","no-such-school"]})"));
  auto answer = ws.wait_for([](const json::value& m) { return is_type(m, "watching"); }, 30s);
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->at("sites").as_array().size(), 1u);
  EXPECT_EQ(answer->at("sites").at(0).as_string(), a.site);
  EXPECT_EQ(answer->at("devices").as_array().size(), a.devices);
  EXPECT_TRUE(wait_until([&] { return server_->metric("campus_ws_watch_ignored_total") == 1; }));

  // B's readings, then A's, on one MQTT connection: the server takes them in that order, so
  // A's arriving proves B's were not sent.
  for (int i = 0; i < 5; ++i) pub_.publish(b.gas_topic, R"({"lel_pct":2})");
  pub_.publish(a.gas_topic, R"({"lel_pct":3})");
  int readings_of_others = 0;
  auto a_reading = ws.wait_for(
      [&](const json::value& m) {
        if (!is_type(m, "reading")) return false;
        const bool of_a = m.at("reading").at("site").as_string() == a.site;
        if (!of_a) ++readings_of_others;
        return of_a;
      },
      30s);
  ASSERT_TRUE(a_reading);
  EXPECT_EQ(a_reading->at("reading").at("device").as_string(), a.gas_device);
  EXPECT_EQ(readings_of_others, 0);

  // A red gas alert at C (not watched): the ledger entry reaches the bureau, then C's summary
  // with its colour; none of C's readings do.
  pub_.publish(c.gas_topic, R"({"lel_pct":40})");
  int c_readings = 0;
  bool entry_seen = false;
  auto summary = ws.wait_for(
      [&](const json::value& m) {
        if (is_type(m, "reading") && m.at("reading").at("site").as_string() == c.site) ++c_readings;
        if (is_type(m, "alert") && m.at("alert").at("site").as_string() == c.site) entry_seen = true;
        return is_type(m, "school") && m.at("school").at("site").as_string() == c.site &&
               m.at("school").at("worst") == "red";
      },
      60s);
  ASSERT_TRUE(summary) << "no red summary of " << c.site;
  EXPECT_TRUE(entry_seen);
  EXPECT_EQ(c_readings, 0);
  EXPECT_GE(summary->at("school").at("open").as_int64(), 1);
  EXPECT_EQ(summary->at("school").at("devices_total").as_int64(),
            static_cast<std::int64_t>(c.devices));
  EXPECT_EQ(summary->at("school").at("problem"), true);

  // Watching nothing again (the page went back to the school list).
  ASSERT_TRUE(ws.send(R"({"type":"watch","sites":[]})"));
  ASSERT_TRUE(ws.wait_for([](const json::value& m) { return is_type(m, "watching"); }, 30s));
  EXPECT_EQ(server_->metric("campus_ws_slow_clients_closed_total"), 0);
}

}  // namespace
}  // namespace campus::test
