// Normal running stays well inside the sample rules' thresholds: every device sampled at
// 1-minute steps through a Friday and a Saturday (Asia/Shanghai), checked against the alert
// thresholds of config/district.yaml and against the daily patterns the simulator promises.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>

#include "sample_district.hpp"
#include "sim/district_simulator.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;
using testing::number;
using testing::parse_object;
using testing::split_topic;

struct local_time {
  int weekday;  // ISO
  int minute;   // of the day
};

// The sample sites are all UTC+8 without daylight saving; the walk starts on a Friday.
local_time local_at(core::time_point t) {
  const auto minutes =
      std::chrono::duration_cast<std::chrono::minutes>(t - testing::friday_midnight).count();
  return {static_cast<int>(5 + minutes / 1440 - 1) % 7 + 1, static_cast<int>(minutes % 1440)};
}

bool after_hours(local_time l) {
  // The door / lock rules' windows: weekdays 18:00–07:00, all weekend.
  return l.weekday >= 6 || l.minute >= 18 * 60 || l.minute < 7 * 60;
}

class normal_day : public ::testing::Test {
 protected:
  void SetUp() override {
    auto made =
        district_simulator::make(testing::sample_district(), testing::sim_settings(20251128));
    ASSERT_TRUE(made) << made.error();
    sim_.emplace(std::move(*made));
  }

  // Every device once a minute for 48 hours from Friday 00:00 local.
  template <class F>
  void walk(F&& on_message) {
    for (auto t = testing::friday_midnight; t < testing::friday_midnight + 48h; t += 1min) {
      for (const auto& d : testing::sample_district().devices) {
        for (const auto& m : sim_->sample(d.id, t)) on_message(d, t, m);
      }
    }
  }

  std::optional<district_simulator> sim_;
};

TEST_F(normal_day, no_threshold_of_the_sample_rules_is_crossed) {
  std::size_t messages = 0;
  walk([&](const config::device& d, core::time_point t, const sim_message& m) {
    ++messages;
    const auto stream = split_topic(m.topic).stream;
    const auto p = parse_object(m);
    const local_time local = local_at(t);
    SCOPED_TRACE(m.topic + " " + m.payload);
    if (d.family == "gas_detector") {
      EXPECT_LE(number(p.at("lel_pct")), 2.5);  // gas-leak: yellow above 10
      EXPECT_GE(number(p.at("lel_pct")), 0.0);
      EXPECT_LE(number(p.at("co_ppm")), 10.0);  // co-high: orange above 50
      EXPECT_EQ(p.at("fault"), false);
    } else if (d.family == "hazmat_cabinet") {
      EXPECT_GE(number(p.at("temp_c")), 18.0);  // cabinet-temperature: yellow above 30
      EXPECT_LE(number(p.at("temp_c")), 26.0);
      EXPECT_LT(number(p.at("voc_ppm")), 1.0);  // cabinet-voc: yellow above 5
      if (p.at("door") == "open" || p.at("lock") == "unlocked") {
        EXPECT_FALSE(after_hours(local));
        EXPECT_TRUE(local.weekday <= 5 && local.minute >= 8 * 60 && local.minute < 17 * 60);
      }
    } else if (d.family == "json_map") {
      const double temp_c = number(p.at("d").at("tmp")) * 0.1;  // kitchen-temperature: 5..45
      EXPECT_GE(temp_c, 18.0);
      EXPECT_LE(temp_c, 32.0);
    } else if (d.family == "water_beacon") {
      for (const auto& tag : p.at("tags").as_array()) {
        EXPECT_GE(number(tag.at("dist_m")), 20.0);  // pond-dwell: within 5 m
        EXPECT_LE(number(tag.at("dist_m")), 60.0);
      }
    } else if (d.family == "alarm_input") {
      EXPECT_EQ(p.at("state"), "normal");
    } else if (d.family == "kitchen_camera" && stream == "event") {
      // Only the events whose rules need three in ten minutes.
      EXPECT_TRUE(p.at("event") == "no_hat" || p.at("event") == "no_mask");
    }
  });
  EXPECT_GE(messages, 39u * 48 * 60);
}

TEST_F(normal_day, camera_events_never_reach_three_in_ten_minutes_at_a_school) {
  std::map<std::string, std::deque<core::time_point>> recent;  // site → event times
  int events = 0;
  walk([&](const config::device& d, core::time_point t, const sim_message& m) {
    if (d.family != "kitchen_camera" || split_topic(m.topic).stream != "event") return;
    ++events;
    auto& q = recent[d.site];
    q.push_back(t);
    while (t - q.front() > 10min) q.pop_front();
    EXPECT_LT(q.size(), 3u) << d.site << " at " << core::to_epoch_ms(t);
  });
  EXPECT_GT(events, 0);  // they do happen, now and then
}

TEST_F(normal_day, values_follow_the_day_and_never_stick) {
  double lel_meal = 0, lel_night = 0;
  int n_meal = 0, n_night = 0;
  std::map<std::string, double> temp_sum_afternoon, temp_sum_dawn;
  std::map<std::string, std::pair<double, int>> lel_run;  // device → (value, minutes unchanged)
  int longest_run = 0, door_opened = 0, tags_seen = 0;
  walk([&](const config::device& d, core::time_point t, const sim_message& m) {
    const auto p = parse_object(m);
    const local_time local = local_at(t);
    if (d.family == "gas_detector" && d.zone == "kitchen") {
      const double lel = number(p.at("lel_pct"));
      if (local.minute >= 11 * 60 && local.minute < 12 * 60) lel_meal += lel, ++n_meal;
      if (local.minute < 4 * 60) lel_night += lel, ++n_night;
      auto& [value, run] = lel_run[d.id];
      run = value == lel ? run + 1 : 0;
      value = lel;
      longest_run = std::max(longest_run, run);
      const bool kitchen_hours = local.minute >= 6 * 60 && local.minute < 19 * 60;
      EXPECT_EQ(p.at("valve"), kitchen_hours ? "open" : "closed") << local.minute;
    } else if (d.family == "hazmat_cabinet") {
      if (local.minute >= 14 * 60 && local.minute < 16 * 60)
        temp_sum_afternoon[d.id] += number(p.at("temp_c"));
      if (local.minute >= 3 * 60 && local.minute < 5 * 60)
        temp_sum_dawn[d.id] += number(p.at("temp_c"));
      if (p.at("door") == "open") ++door_opened;
    } else if (d.family == "water_beacon") {
      tags_seen += static_cast<int>(p.at("tags").as_array().size());
    }
  });
  EXPECT_GT(lel_meal / n_meal, lel_night / n_night + 0.5);  // a bump at lunch
  for (const auto& [id, sum] : temp_sum_afternoon) EXPECT_GT(sum, temp_sum_dawn[id]) << id;
  EXPECT_LT(longest_run, 60);  // gas-sensor-stuck wants 6 h unchanged
  EXPECT_GT(door_opened, 0);   // someone fetches reagents during lessons
  EXPECT_GT(tags_seen, 0);     // a student passes the pond after school, far off
}

}  // namespace
}  // namespace campus::sim
