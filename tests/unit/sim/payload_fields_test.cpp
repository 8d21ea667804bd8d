// Every family's payload has exactly the fields its adapter reads, with the right types, on
// the topic campus/<site>/<zone>/<device>/<stream>.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "sample_district.hpp"
#include "sim/district_simulator.hpp"

namespace campus::sim {
namespace {

using testing::parse_object;
using testing::sample_district;
using testing::split_topic;

std::set<std::string> keys(const boost::json::object& o) {
  std::set<std::string> out;
  for (const auto& [k, v] : o) out.insert(std::string(k));
  return out;
}

bool is_number(const boost::json::value& v) {
  return v.is_double() || v.is_int64() || v.is_uint64();
}

const std::map<std::string, std::set<std::string>> telemetry_fields{
    {"gas_detector", {"ts", "lel_pct", "co_ppm", "valve", "fault"}},
    {"hazmat_cabinet", {"ts", "temp_c", "rh_pct", "voc_ppm", "door", "lock", "fan"}},
    {"kitchen_camera", {"ts", "online", "fps"}},
    {"water_beacon", {"ts", "tags"}},
    {"alarm_input", {"ts", "state"}},
    {"json_map", {"t", "d"}},
};

void check_telemetry(const config::device& d, const boost::json::object& p, core::time_point at) {
  SCOPED_TRACE(d.id);
  ASSERT_EQ(keys(p), telemetry_fields.at(d.family));
  if (d.family == "json_map") {
    // ts_path t, ts_unit s; fields d.tmp (scale 0.1, so tenths as integers) and d.hum.
    EXPECT_EQ(p.at("t").as_int64(), core::to_epoch_ms(at) / 1000);
    const auto& data = p.at("d").as_object();
    EXPECT_EQ(keys(data), (std::set<std::string>{"tmp", "hum"}));
    EXPECT_TRUE(data.at("tmp").is_int64());
    EXPECT_TRUE(is_number(data.at("hum")));
    return;
  }
  EXPECT_EQ(p.at("ts").as_int64(), core::to_epoch_ms(at));
  if (d.family == "gas_detector") {
    EXPECT_TRUE(is_number(p.at("lel_pct")));
    EXPECT_TRUE(is_number(p.at("co_ppm")));
    EXPECT_TRUE(p.at("valve") == "open" || p.at("valve") == "closed");
    EXPECT_TRUE(p.at("fault").is_bool());
  } else if (d.family == "hazmat_cabinet") {
    for (const char* k : {"temp_c", "rh_pct", "voc_ppm"}) EXPECT_TRUE(is_number(p.at(k))) << k;
    EXPECT_TRUE(p.at("door") == "open" || p.at("door") == "closed");
    EXPECT_TRUE(p.at("lock") == "locked" || p.at("lock") == "unlocked");
    EXPECT_EQ(p.at("fan"), "on");
  } else if (d.family == "kitchen_camera") {
    EXPECT_EQ(p.at("online"), true);
    EXPECT_TRUE(p.at("fps").is_int64());
  } else if (d.family == "water_beacon") {
    for (const auto& tag : p.at("tags").as_array()) {
      EXPECT_EQ(keys(tag.as_object()), (std::set<std::string>{"id", "rssi", "dist_m"}));
      EXPECT_TRUE(tag.at("id").is_string());
    }
  } else if (d.family == "alarm_input") {
    EXPECT_EQ(p.at("state"), "normal");
  }
}

TEST(payload_fields, every_family_publishes_exactly_its_fields_on_its_topic) {
  const auto& district = sample_district();
  auto sim = district_simulator::make(district, testing::sim_settings(3));
  ASSERT_TRUE(sim) << sim.error();
  EXPECT_TRUE(sim->skipped().empty());
  // 12:00 local on a Friday: kitchen working, lessons on.
  const auto noon = testing::friday_midnight + std::chrono::hours{12};
  std::set<std::string> families_seen;
  for (const auto& d : district.devices) {
    const auto messages = sim->sample(d.id, noon);
    ASSERT_FALSE(messages.empty()) << d.id;
    const auto& first = messages.front();
    const auto topic = split_topic(first.topic);
    EXPECT_EQ(topic.site, d.site);
    EXPECT_EQ(topic.zone, d.zone);
    EXPECT_EQ(topic.device, d.id);
    EXPECT_EQ(topic.stream, "telemetry");
    EXPECT_FALSE(first.retain);
    check_telemetry(d, parse_object(first), noon);
    families_seen.insert(d.family);
  }
  EXPECT_EQ(families_seen.size(), telemetry_fields.size());
}

TEST(payload_fields, camera_events_carry_event_confidence_and_snapshot) {
  const auto& district = sample_district();
  auto sim = district_simulator::make(district, testing::sim_settings(5));
  ASSERT_TRUE(sim);
  int events = 0;
  // A working day of heartbeats is enough for a few events per camera.
  for (auto t = testing::friday_midnight; t < testing::friday_midnight + std::chrono::hours{24};
       t += std::chrono::seconds{10}) {
    for (const auto& m : sim->sample("xh-kitchen-cam-1", t)) {
      if (split_topic(m.topic).stream != "event") continue;
      ++events;
      const auto p = parse_object(m);
      EXPECT_EQ(keys(p), (std::set<std::string>{"ts", "event", "confidence", "snapshot"}));
      EXPECT_TRUE(p.at("event") == "no_hat" || p.at("event") == "no_mask") << m.payload;
      const double confidence = testing::number(p.at("confidence"));
      EXPECT_GT(confidence, 0.0);
      EXPECT_LE(confidence, 1.0);
      EXPECT_TRUE(p.at("snapshot").as_string().starts_with("http://nvr.local/snap/"));
    }
  }
  EXPECT_GT(events, 0);
}

TEST(payload_fields, start_publishes_retained_online_status_for_every_device) {
  const auto& district = sample_district();
  auto sim = district_simulator::make(district, testing::sim_settings(1, "bh-middle"));
  ASSERT_TRUE(sim);
  const auto status = sim->start(testing::friday_midnight);
  std::set<std::string> devices;
  for (const auto& m : status) {
    const auto t = split_topic(m.topic);
    EXPECT_EQ(t.site, "bh-middle");
    EXPECT_EQ(t.stream, "status");
    EXPECT_EQ(m.payload, "online");
    EXPECT_TRUE(m.retain);
    devices.insert(t.device);
  }
  EXPECT_EQ(devices.size(), 13u);
  EXPECT_EQ(status.size(), 13u);
}

TEST(payload_fields, unknown_site_is_refused) {
  auto sim =
      district_simulator::make(sample_district(), testing::sim_settings(1, "no-such-school"));
  ASSERT_FALSE(sim);
  EXPECT_NE(sim.error().find("no-such-school"), std::string::npos);
}

}  // namespace
}  // namespace campus::sim
