// The bureau's routes at district scale, through real processes: campus-sim generates a
// district of 10,000 devices in 770 schools, a real Mosquitto and a real `campus-shield serve`
// run it, the test publishes every device's readings (campus-sim's own device models) once
// every 12 s, and meanwhile a bureau user calls every bureau route again and again (up to 30
// requests a second) while /healthz is polled.
//
// Nothing is timed; things are counted: every route answers 200 naming every school, every
// /healthz call is answered, the server received exactly what was published (nothing
// rejected, no reconnection), and no absence alert was raised. The district is written with a
// 30 s absence period, so a server that stops reading MQTT for longer than the ~18 s of slack
// between a device's readings raises false "device offline" alerts, which the ledger shows.
// (Users are written into users.db by campus_server, as `campus-shield user add` would.)
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "campus_server.hpp"
#include "config/loader.hpp"
#include "sim/district_simulator.hpp"
#include "support/child_process.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using steady = std::chrono::steady_clock;

constexpr int district_devices = 10'000;
constexpr int district_schools = 770;    // 769 of 13 devices and one of 3
constexpr auto absence_period = 30s;     // both absence rules of the generated file
constexpr auto reading_period = 12s;     // every device once per period
constexpr auto flow = 48s;               // four periods of readings
const std::set<std::string> absence_rules{"device-offline", "camera-offline-kitchen-hours"};

// "YYYY-MM" of now in Asia/Shanghai (the generated schools' zone, no DST).
std::string this_month() {
  const auto local = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() + 8h);
  const std::chrono::year_month_day d{local};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u", int(d.year()), unsigned(d.month()));
  return text;
}

// How many elements `path` (an array, or an object's keys) has in a JSON body; -1 when the body
// is not JSON or the path is absent.
long count_at(const std::string& body, const std::function<const json::value*(const json::value&)>& path) {
  boost::system::error_code ec;
  const auto v = json::parse(body, ec);
  if (ec) return -1;
  const json::value* at = path(v);
  if (at == nullptr) return -1;
  if (at->is_array()) return static_cast<long>(at->as_array().size());
  if (at->is_object()) return static_cast<long>(at->as_object().size());
  return -1;
}

const json::value* member(const json::value& v, std::string_view key) {
  if (!v.is_object()) return nullptr;
  return v.as_object().if_contains(key);
}

// A bureau route and how many schools (or devices) a correct answer names.
struct route_check {
  std::string target;
  std::function<long(const std::string& body)> count;  // what the answer names
  long expected;
};

std::vector<route_check> bureau_routes() {
  const auto month = this_month();
  return {
      {"/api/overview",
       [](const std::string& b) {
         return count_at(b, [](const json::value& v) { return member(v, "schools"); });
       },
       district_schools},
      {"/api/compliance",
       [](const std::string& b) {
         return count_at(b, [](const json::value& v) { return member(v, "schools"); });
       },
       district_schools},
      // The last day (today) rates every school.
      {"/api/compliance/daily",
       [](const std::string& b) {
         return count_at(b, [](const json::value& v) -> const json::value* {
           const auto* days = member(v, "days");
           if (days == nullptr || !days->is_array() || days->as_array().empty()) return nullptr;
           return member(days->as_array().back(), "schools");
         });
       },
       district_schools},
      {"/api/reports/monthly?month=" + month,
       [](const std::string& b) {
         return count_at(b, [](const json::value& v) { return member(v, "schools"); });
       },
       district_schools},
      // The CSV keeps every school's row: its name appears once per school at least.
      {"/api/reports/monthly?month=" + month + "&format=csv",
       [](const std::string& b) {
         std::set<std::string> names;
         const std::string prefix = "压测学校";
         for (auto at = b.find(prefix); at != std::string::npos; at = b.find(prefix, at + 1)) {
           auto end = at + prefix.size();
           while (end < b.size() && b[end] >= '0' && b[end] <= '9') ++end;
           names.insert(b.substr(at, end - at));
         }
         return static_cast<long>(names.size());
       },
       district_schools},
      {"/api/sites",
       [](const std::string& b) {
         return count_at(b, [](const json::value& v) { return member(v, "sites"); });
       },
       district_schools},
      {"/api/devices",
       [](const std::string& b) {
         return count_at(b, [](const json::value& v) { return member(v, "devices"); });
       },
       district_devices},
      // The ledger's list answers (its size is whatever was raised: checked at the end).
      {"/api/alerts?state=open",
       [](const std::string& b) {
         return count_at(b, [](const json::value& v) { return member(v, "alerts"); }) >= 0 ? 1 : -1;
       },
       1},
  };
}

// Every device once per reading_period, spread evenly over it, from campus-sim's own models
// (so payloads are the adapters' real formats). Returns how many messages were published.
std::uint64_t publish_readings(test_publisher& pub, const config::district& district,
                               std::atomic<bool>& failed) {
  sim::simulator_settings settings;
  settings.seed = 19;
  settings.interval = std::chrono::duration_cast<core::duration>(reading_period);
  auto simulator = sim::district_simulator::make(district, settings);
  if (!simulator) {
    ADD_FAILURE() << simulator.error();
    failed = true;
    return 0;
  }
  const auto ids = simulator->device_ids();
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(district_devices));
  std::uint64_t published = 0;
  std::size_t next = 0;  // readings handed out so far, all rounds
  const auto start = steady::now();
  const double per_second = double(ids.size()) / std::chrono::duration<double>(reading_period).count();
  for (;;) {
    const auto elapsed = std::chrono::duration<double>(steady::now() - start).count();
    if (elapsed >= std::chrono::duration<double>(flow).count()) break;
    const auto due = static_cast<std::size_t>(elapsed * per_second) + 1;
    const auto now =
        std::chrono::time_point_cast<core::duration>(std::chrono::system_clock::now());
    try {
      for (; next < due; ++next) {
        for (const auto& m : simulator->sample(ids[next % ids.size()], now)) {
          pub.publish_nowait(m.topic, m.payload, 1);
          ++published;
        }
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "publishing: " << e.what();
      failed = true;
      return published;
    }
    std::this_thread::sleep_for(20ms);
  }
  return published;
}

double rejected_total(const std::string& metrics) {
  double total = 0;
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("campus_messages_rejected_total{"))
      total += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return total;
}

TEST(server_bureau_scale, every_bureau_route_while_ten_thousand_devices_report) {
  temp_dir dir("campus-bureau-scale-");
  const auto file = dir / "district.yaml";
  {
    child_process generate({CAMPUS_SIM_BINARY, "--generate-district", file.string(), "--devices",
                            std::to_string(district_devices), "--absence-period", "30s"},
                           dir / "generate.log");
    const auto status = generate.wait_exit(120s);
    ASSERT_TRUE(status && *status == 0) << "campus-sim --generate-district failed";
  }
  auto district = config::load_file(file);
  ASSERT_TRUE(district) << "the generated district does not load";
  ASSERT_EQ(district->sites.size(), static_cast<std::size_t>(district_schools));
  for (const auto& r : district->rules) {
    if (absence_rules.count(r.id)) {
      ASSERT_EQ(r.period, core::duration{30'000}) << r.id;
    }
  }

  mosquitto_broker broker;
  // A retained status reaches the server as soon as its subscription is in place: once it has
  // been counted, nothing published afterwards can be missed.
  {
    const auto& first = district->devices.front();
    child_process retain({"/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p",
                          std::to_string(broker.port()), "-q", "1", "-r", "-t",
                          "campus/" + first.site + "/" + first.zone + "/" + first.id + "/status",
                          "-m", "online"},
                         dir / "mosquitto_pub.log");
    const auto status = retain.wait_exit(30s);
    ASSERT_TRUE(status && *status == 0) << "mosquitto_pub failed";
  }
  test_publisher pub(broker.port(), "scale-publisher");

  campus_server server(file, broker.port(), dir.path(),
                       {campus_server::admin(), {"bureau", "bureau", {}, "教育局"}});
  ASSERT_TRUE(wait_until([&] { return server.metric("campus_mqtt_connected") == 1; }, 120s))
      << "campus-shield did not connect (log: " << (dir / "campus-shield.log") << ")";
  ASSERT_TRUE(wait_until([&] { return server.metric("campus_messages_in_total") >= 1; }, 30s));
  ASSERT_EQ(server.metric("campus_messages_in_total"), 1);
  const std::string bureau = server.token("bureau");
  ASSERT_FALSE(bureau.empty()) << "the bureau user cannot log in";
  const std::string admin = server.token("admin");
  ASSERT_FALSE(admin.empty());

  std::atomic<bool> flowing{true};
  std::atomic<bool> publish_failed{false};
  std::uint64_t published = 0;
  std::thread publisher([&] {
    published = publish_readings(pub, *district, publish_failed);
    flowing = false;
  });

  // /healthz twice a second for the whole flow.
  std::atomic<int> health_ok{0}, health_failed{0};
  std::thread health([&] {
    while (flowing) {
      auto r = http_get(server.port(), "/healthz");
      (r && r->status == 200 ? health_ok : health_failed)++;
      std::this_thread::sleep_for(500ms);
    }
  });

  // The bureau user calls every route in turn for the whole flow, as fast as the server
  // answers but at most 30 requests a second: the server allows one address 50 a second
  // (net/address_guard) and /healthz and /metrics come from the same address.
  const auto routes = bureau_routes();
  std::map<std::string, int> answered, wrong;
  std::map<std::string, std::string> first_wrong;
  auto next_request = steady::now();
  while (flowing) {
    for (const auto& route : routes) {
      std::this_thread::sleep_until(next_request);
      next_request = std::max(next_request + 33ms, steady::now());
      auto r = http_get(server.port(), route.target, bureau);
      if (r && r->status == 200 && route.count(r->body) == route.expected) {
        ++answered[route.target];
      } else {
        ++wrong[route.target];
        if (!first_wrong.count(route.target)) {
          first_wrong[route.target] =
              !r ? "no answer" : "status " + std::to_string(r->status) + ": " + r->body.substr(0, 300);
        }
      }
    }
  }
  publisher.join();
  health.join();
  ASSERT_FALSE(publish_failed);

  // Ingest kept up: every message acknowledged by the broker reached the pipeline.
  ASSERT_TRUE(pub.wait_all_acked(60s));
  const double expected_in = 1 + double(published);
  EXPECT_TRUE(
      wait_until([&] { return server.metric("campus_messages_in_total") >= expected_in; }, 60s));
  EXPECT_EQ(server.metric("campus_messages_in_total"), expected_in) << published << " published";
  EXPECT_GE(published, std::uint64_t(district_devices) * 3);  // at least three rounds
  auto metrics = http_get(server.port(), "/metrics");
  ASSERT_TRUE(metrics && metrics->status == 200);
  EXPECT_EQ(rejected_total(metrics->body), 0);
  EXPECT_EQ(server.metric("campus_mqtt_reconnects_total"), 0);

  std::cout << "published " << published << " messages; answered per route:";
  for (const auto& route : routes) std::cout << " " << route.target << "=" << answered[route.target];
  std::cout << "; /healthz " << health_ok << " answered" << std::endl;
  // Every route answered, every time, naming every school.
  for (const auto& route : routes) {
    EXPECT_GE(answered[route.target], 2) << route.target << " was not answered repeatedly";
    EXPECT_EQ(wrong[route.target], 0) << route.target << ": " << first_wrong[route.target];
  }
  EXPECT_EQ(health_failed, 0);
  EXPECT_GE(health_ok, 10);

  // No device fell silent as far as the server could tell: no entry of an absence rule in the
  // ledger, and none active now.
  int absence_entries = 0;
  std::string example;
  for (std::int64_t offset = 0, total = 1; offset < total; offset += 1000) {
    auto alerts = http_get(server.port(),
                           "/api/alerts?limit=1000&offset=" + std::to_string(offset), admin);
    ASSERT_TRUE(alerts && alerts->status == 200);
    const auto ledger = json::parse(alerts->body);
    total = ledger.at("total").to_number<std::int64_t>();
    for (const auto& e : ledger.at("alerts").as_array()) {
      const auto* rule = e.as_object().if_contains("rule");
      if (rule && rule->is_string() && absence_rules.count(std::string(rule->as_string()))) {
        ++absence_entries;
        if (example.empty()) example = json::serialize(e).substr(0, 300);
      }
    }
  }
  EXPECT_EQ(absence_entries, 0) << "false offline alerts, e.g. " << example;

  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace campus::test
