// Smart-security compliance (达标率) live, through the real broker and the real campus-shield
// process: every required device of 星火小学 reports and the school is at 100 %; then two of them
// (a kitchen camera and the pond beacon) fall silent while the others keep reporting, and
// GET /api/compliance, GET /api/overview and /metrics show the rate fall to (points − 2) / points.
//
// The test's copy of the sample configuration sets compliance.reporting_window to 1m, the least
// the loader accepts, so a point falls silent a minute after its device's last message. Its
// absence rules (device-offline 5m, camera-offline 2m) wait 1h instead, so that no device is
// judged offline while the test runs: a silent device is then still "online" by its last word,
// and devices_online cannot move under the test (compliance needs the window, not the status).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "campus_server.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

// A device of 星火小学 and a payload its family's adapter reads without raising an alert.
struct device {
  std::string id;
  std::string zone;
  std::string payload;
};

// The required points of 星火小学, worked out by hand from config/district.yaml: its zones of a
// type listed in compliance.required and the devices of the listed families there (the kitchen's
// json_map thermometer is not required). One point per device; no zone lacks a device.
const std::vector<device>& required_devices() {
  static const std::string gas = R"({"lel_pct":1.5,"co_ppm":3,"valve":"open","fault":false})";
  static const std::string camera = R"({"online":true,"fps":25})";
  static const std::string cabinet = R"({"temp_c":22,"rh_pct":45})";
  static const std::string beacon = R"({"tags":[]})";
  static const std::string alarm = R"({"state":"normal"})";
  static const std::vector<device> list{
      {"xh-kitchen-gas-1", "kitchen", gas},      {"xh-kitchen-gas-2", "kitchen", gas},
      {"xh-kitchen-cam-1", "kitchen", camera},   {"xh-kitchen-cam-2", "kitchen", camera},
      {"xh-chem-cab-1", "chem-store", cabinet},  {"xh-chem-cab-2", "chem-store", cabinet},
      {"xh-lab-cab-1", "chem-lab", cabinet},     {"xh-pond-beacon-1", "pond", beacon},
      {"xh-gate-alarm-1", "gate", alarm},        {"xh-gate-perimeter-1", "gate", alarm},
      {"xh-boiler-co-1", "boiler", gas},         {"xh-boiler-smoke-1", "boiler", alarm}};
  return list;
}
const std::set<std::string> falling_silent{"xh-kitchen-cam-2", "xh-pond-beacon-1"};

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("sample config has no '" + from + "'");
  text.replace(at, from.size(), to);
}

std::filesystem::path write_config(const temp_dir& dir) {
  std::ifstream in(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  replace_once(yaml, "reporting_window: 15m", "reporting_window: 1m");
  replace_once(yaml, "    period: 5m\n    severity: yellow", "    period: 1h\n    severity: yellow");
  replace_once(yaml, "    period: 2m\n    severity: orange", "    period: 1h\n    severity: orange");
  // The copy lives in the temp dir: keep the dashboards where the sample's are.
  replace_once(yaml, "dashboards: ../dashboards",
               "dashboards: " + std::string(CAMPUS_SOURCE_DIR) + "/dashboards");
  auto path = dir.path() / "district.yaml";
  std::ofstream(path) << yaml;
  return path;
}

class compliance_live : public testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<campus_server>(write_config(dir_), broker_.port(), dir_.path());
    ASSERT_TRUE(server_->wait_until_connected()) << "campus-shield did not come up";
    pub_ = std::make_unique<test_publisher>(broker_.port());
  }

  // Publishes a reading of every required device but those in `quiet`, at most every 5 s (the
  // window is a minute: this keeps them reporting however slowly the polls go).
  void keep_reporting(const std::set<std::string>& quiet = {}) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_round_ < 5s) return;
    last_round_ = now;
    for (const auto& d : required_devices()) {
      if (quiet.contains(d.id)) continue;
      pub_->publish("campus/xh-primary/" + d.zone + "/" + d.id + "/telemetry", d.payload);
    }
  }

  std::optional<json::object> get(const std::string& target) {
    auto r = server_->get(target);
    if (!r || r->status != 200) return std::nullopt;
    return json::parse(r->body).as_object();
  }

  static const json::object* school_of(const json::object& answer, const std::string& site) {
    for (const auto& s : answer.at("schools").as_array())
      if (s.at("site").as_string() == site) return &s.as_object();
    return nullptr;
  }

  // 星火小学's rate in GET /api/compliance, or -1 when not answered.
  double school_rate() {
    auto c = get("/api/compliance");
    const json::object* s = c ? school_of(*c, "xh-primary") : nullptr;
    return s && s->at("rate").is_number() ? s->at("rate").to_number<double>() : -1;
  }

  temp_dir dir_;
  mosquitto_broker broker_;
  std::unique_ptr<campus_server> server_;
  std::unique_ptr<test_publisher> pub_;
  std::chrono::steady_clock::time_point last_round_{};
};

TEST_F(compliance_live, a_school_falls_below_target_when_two_devices_go_silent) {
  const int points = static_cast<int>(required_devices().size());

  // Every required device reports: 100 %, every point reporting.
  ASSERT_TRUE(wait_until([&] { keep_reporting(); return school_rate() == 100.0; }, 120s, 500ms))
      << "星火小学 never reached 100 %; last rate " << school_rate();
  {
    auto c = get("/api/compliance");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->at("reporting_window_s").as_int64(), 60);
    const json::object* s = school_of(*c, "xh-primary");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->at("required").as_int64(), points);
    EXPECT_EQ(s->at("installed").as_int64(), points);
    EXPECT_EQ(s->at("reporting").as_int64(), points);
    EXPECT_FALSE(s->at("below_target").as_bool());
    std::set<std::string> seen;
    for (const auto& p : s->at("points").as_array()) {
      seen.insert(std::string(p.at("device").as_string()));
      EXPECT_EQ(p.at("status").as_string(), "reporting") << p.at("device");
    }
    std::set<std::string> expected;
    for (const auto& d : required_devices()) expected.insert(d.id);
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(c->at("district").at("schools_meeting_target").as_int64(), 1);
  }

  // Two devices fall silent; the others keep reporting. Wait until the rate has fallen at least
  // that far (it must then be exactly that: a live device judged silent would take it lower).
  const double expected = 100.0 * (points - 2) / points;
  ASSERT_TRUE(wait_until([&] {
    keep_reporting(falling_silent);
    const double r = school_rate();
    return r >= 0 && r <= expected + 1e-9;
  }, 240s, 500ms)) << "the rate did not fall; last " << school_rate();
  keep_reporting(falling_silent);

  auto c = get("/api/compliance");
  ASSERT_TRUE(c);
  const json::object* s = school_of(*c, "xh-primary");
  ASSERT_NE(s, nullptr);
  EXPECT_DOUBLE_EQ(s->at("rate").to_number<double>(), expected);
  EXPECT_EQ(s->at("reporting").as_int64(), points - 2);
  EXPECT_DOUBLE_EQ(c->at("target").to_number<double>(), 90.0);
  EXPECT_TRUE(s->at("below_target").as_bool());
  std::set<std::string> silent;
  for (const auto& p : s->at("points").as_array()) {
    const std::string id(p.at("device").as_string());
    const std::string status(p.at("status").as_string());
    if (status == "silent") {
      silent.insert(id);
      EXPECT_FALSE(p.at("last_seen").is_null()) << id << " was heard before it fell silent";
    } else {
      EXPECT_EQ(status, "reporting") << id;
    }
  }
  EXPECT_EQ(silent, falling_silent);

  // The district: Σ reporting / Σ required over every school (the others have heard nothing).
  int required = 0, reporting = 0, meeting = 0;
  for (const auto& school : c->at("schools").as_array()) {
    required += static_cast<int>(school.at("required").as_int64());
    reporting += static_cast<int>(school.at("reporting").as_int64());
    if (school.at("rate").is_number() && school.at("rate").to_number<double>() >= 90) ++meeting;
  }
  const auto& district = c->at("district");
  EXPECT_EQ(district.at("required").as_int64(), required);
  EXPECT_EQ(district.at("reporting").as_int64(), reporting);
  EXPECT_EQ(reporting, points - 2);
  EXPECT_DOUBLE_EQ(district.at("rate").to_number<double>(), 100.0 * reporting / required);
  EXPECT_EQ(district.at("schools_meeting_target").as_int64(), meeting);
  EXPECT_EQ(meeting, 0);
  EXPECT_EQ(district.at("schools").as_int64(), 3);

  // The overview shows the same rate and points; devices_online counts the devices whose last
  // word was "online" (all twelve that spoke: none said offline, none was judged absent), of the
  // school's thirteen.
  auto o = get("/api/overview");
  ASSERT_TRUE(o);
  const json::object* row = school_of(*o, "xh-primary");
  ASSERT_NE(row, nullptr);
  EXPECT_DOUBLE_EQ(row->at("compliance_rate").to_number<double>(), expected);
  EXPECT_EQ(row->at("points_required").as_int64(), points);
  EXPECT_EQ(row->at("points_reporting").as_int64(), points - 2);
  EXPECT_EQ(row->at("devices_online").as_int64(), points);
  EXPECT_EQ(row->at("devices_total").as_int64(), points + 1);

  // /metrics: the gauges are refreshed each minute, in whole percent.
  const double school_gauge = std::round(expected);
  const double district_gauge = std::round(100.0 * reporting / required);
  EXPECT_TRUE(wait_until([&] {
    keep_reporting(falling_silent);
    return server_->metric(R"(campus_compliance_rate{site="xh-primary"})") == school_gauge &&
           server_->metric("campus_compliance_district_rate") == district_gauge;
  }, 180s, 1s)) << "campus_compliance_rate{site=\"xh-primary\"} "
                << server_->metric(R"(campus_compliance_rate{site="xh-primary"})") << ", district "
                << server_->metric("campus_compliance_district_rate");
  // Still the same figure once the gauge has caught up: the two are still the only silent ones.
  EXPECT_DOUBLE_EQ(school_rate(), expected);
}

}  // namespace
}  // namespace campus::test
