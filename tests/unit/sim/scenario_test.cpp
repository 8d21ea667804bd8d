// Scenarios are planned as the brief describes them, and each raises the alert it is meant to
// when its messages go through the real adapters and rule engine with the sample rules.
#include "sim/scenario.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "rule_pipeline.hpp"
#include "sample_district.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;
using testing::number;
using testing::parse_object;
using testing::split_topic;

scenario_plan plan(std::string_view name, scenario_settings settings = {},
                   core::time_point start = testing::friday_midnight + 12h) {
  auto p = plan_scenario(name, testing::sample_district(), settings, start);
  EXPECT_TRUE(p) << (p ? "" : p.error());
  return p ? *p : scenario_plan{};
}

// Replays a plan through the pipeline (ticking every 100 ms up to `until` past its start) and
// returns "rule device severity" of every alert raised or updated, in order.
std::vector<std::string> alerts_of(const scenario_plan& p, core::time_point start,
                                   core::duration until) {
  testing::rule_pipeline pipeline(testing::sample_district(), start);
  std::vector<std::string> out;
  auto note = [&](const std::vector<rules::alert_event>& events) {
    for (const auto& e : events) {
      if (e.what == rules::alert_event::kind::cleared) continue;
      out.push_back(e.current.rule + " " + e.current.device + " " +
                    std::string(core::to_string(e.current.severity)));
    }
  };
  std::size_t next = 0;
  for (core::duration at{0}; at <= until; at += 100ms) {
    while (next < p.steps.size() && p.steps[next].at <= at) {
      for (const auto& m : p.steps[next].messages) note(pipeline.deliver(m, start + at));
      ++next;
    }
    note(pipeline.tick(start + at));
  }
  return out;
}

std::vector<double> lel_values(const scenario_plan& p) {
  std::vector<double> out;
  for (const auto& s : p.steps) {
    for (const auto& m : s.messages) out.push_back(number(parse_object(m).at("lel_pct")));
  }
  return out;
}

TEST(scenario, gas_leak_ramps_past_25_in_half_second_steps_holds_and_recovers) {
  const auto p = plan("gas-leak");
  ASSERT_FALSE(p.steps.empty());
  EXPECT_EQ(p.site, "xh-primary");
  for (const auto& s : p.steps) {
    ASSERT_EQ(s.messages.size(), 1u);
    EXPECT_EQ(s.messages[0].topic, "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry");
  }
  const auto lel = lel_values(p);
  ASSERT_GE(lel.size(), 8u);
  EXPECT_EQ(lel.front(), 2);
  const auto first_yellow = std::find_if(lel.begin(), lel.end(), [](double v) { return v > 10; });
  const auto first_red = std::find_if(lel.begin(), lel.end(), [](double v) { return v > 25; });
  ASSERT_NE(first_red, lel.end());
  EXPECT_LT(first_yellow, first_red);  // yellow is crossed on the way
  EXPECT_EQ(*std::max_element(lel.begin(), lel.end()), 45);
  EXPECT_EQ(lel.back(), 1);  // recovered
  EXPECT_EQ(p.steps[1].at - p.steps[0].at, 500ms);
  EXPECT_LE(p.steps[7].at, 4s);       // the ramp takes about 3 s
  EXPECT_GE(p.steps.back().at, 13s);  // held at the leak level for the default 10 s
  EXPECT_TRUE(p.muted_devices.empty());
  // Background simulators are silenced for the detector only while the scenario runs.
  EXPECT_EQ(p.devices, std::vector<std::string>{"xh-kitchen-gas-1"});
  EXPECT_EQ(p.length(), p.steps.back().at);
  // Timestamps follow the plan's offsets.
  EXPECT_EQ(parse_object(p.steps[2].messages[0]).at("ts").as_int64(),
            core::to_epoch_ms(testing::friday_midnight + 12h + 1s));
}

TEST(scenario, gas_leak_raises_yellow_then_red_with_the_sample_rules) {
  const auto start = testing::friday_midnight + 12h;
  const auto p = plan("gas-leak", testing::scenario_at("", 2s), start);
  const auto alerts = alerts_of(p, start, 10s);
  ASSERT_GE(alerts.size(), 2u) << ::testing::PrintToString(alerts);
  EXPECT_EQ(alerts[0], "gas-leak xh-kitchen-gas-1 yellow");
  EXPECT_EQ(alerts[1], "gas-leak xh-kitchen-gas-1 red");
}

TEST(scenario, gas_leak_without_recovery_stays_at_the_leak_and_mutes_the_detector) {
  const auto p = plan("gas-leak", testing::scenario_at("qs-nine-year", 0s, false));
  const auto lel = lel_values(p);
  EXPECT_EQ(lel.back(), 45);
  EXPECT_EQ(p.muted_devices, std::vector<std::string>{"qs-kitchen-gas-1"});
}

TEST(scenario, cabinet_door_night_keeps_the_door_open_past_the_rules_for_period) {
  // Friday 21:00 local: after hours.
  const auto start = testing::friday_midnight + 21h;
  const auto p = plan("cabinet-door-night", {}, start);
  ASSERT_GE(p.steps.size(), 3u);
  int open = 0;
  for (const auto& s : p.steps) {
    EXPECT_EQ(split_topic(s.messages.at(0).topic).device, "xh-chem-cab-1");
    if (parse_object(s.messages[0]).at("door") == "open") ++open;
  }
  EXPECT_EQ(open, 19);  // every 10 s for 3 min (the rule's 2 min + 1)
  EXPECT_EQ(parse_object(p.steps.back().messages[0]).at("door"), "closed");
  EXPECT_EQ(parse_object(p.steps.back().messages[0]).at("lock"), "locked");
  ASSERT_FALSE(p.notes.empty());
  EXPECT_NE(p.notes[0].find("it should fire"), std::string::npos) << p.notes[0];

  const auto alerts = alerts_of(p, start, 200s);
  EXPECT_NE(
      std::find(alerts.begin(), alerts.end(), "cabinet-door-after-hours xh-chem-cab-1 orange"),
      alerts.end())
      << ::testing::PrintToString(alerts);
}

TEST(scenario, cabinet_door_night_during_lessons_warns_that_no_alert_will_fire) {
  const auto start = testing::friday_midnight + 10h;
  const auto p = plan("cabinet-door-night", {}, start);
  ASSERT_FALSE(p.notes.empty());
  EXPECT_NE(p.notes[0].find("NO alert"), std::string::npos) << p.notes[0];
  EXPECT_NE(p.notes[0].find("Asia/Shanghai"), std::string::npos);
  // (Devices never heard from in this replay go silent meanwhile; only the cabinet matters.)
  for (const auto& a : alerts_of(p, start, 200s)) {
    EXPECT_EQ(a.find("xh-chem-cab-1"), std::string::npos) << a;
  }
}

TEST(scenario, cabinet_door_night_fast_sends_a_few_readings_and_says_no_alert_follows) {
  const auto start = testing::friday_midnight + 21h;
  const auto p = plan("cabinet-door-night", testing::scenario_at("", {}, true, true), start);
  ASSERT_EQ(p.steps.size(), 5u);  // four open readings and the all-clear
  EXPECT_LE(p.steps.back().at, 3s);
  ASSERT_EQ(p.notes.size(), 2u);
  EXPECT_NE(p.notes[1].find("no alert"), std::string::npos);
  for (const auto& a : alerts_of(p, start, 5s)) {
    EXPECT_EQ(a.find("xh-chem-cab-1"), std::string::npos) << a;
  }
}

TEST(scenario, pond_intrusion_keeps_a_tag_within_5_m_for_40_s_and_raises_the_dwell_alert) {
  const auto start = testing::friday_midnight + 17h;
  const auto p = plan("pond-intrusion", testing::scenario_at("bh-middle"), start);
  int near = 0;
  for (const auto& s : p.steps) {
    const auto payload = parse_object(s.messages.at(0));
    EXPECT_EQ(split_topic(s.messages[0].topic).device, "bh-pond-beacon-1");
    for (const auto& tag : payload.at("tags").as_array()) {
      EXPECT_EQ(tag.at("id"), "tag-10234");
      EXPECT_EQ(number(tag.at("dist_m")), 3.5);
      ++near;
    }
  }
  EXPECT_EQ(near, 21);  // every 2 s from 0 to 40 s
  EXPECT_TRUE(parse_object(p.steps.back().messages[0]).at("tags").as_array().empty());

  const auto alerts = alerts_of(p, start, 45s);
  EXPECT_NE(std::find(alerts.begin(), alerts.end(), "pond-dwell bh-pond-beacon-1 red"),
            alerts.end())
      << ::testing::PrintToString(alerts);
}

TEST(scenario, camera_offline_publishes_a_retained_offline_status_and_mutes_the_camera) {
  const auto start = testing::friday_midnight + 12h;
  const auto p = plan("camera-offline", {}, start);
  ASSERT_EQ(p.steps.size(), 1u);
  const auto& m = p.steps[0].messages.at(0);
  EXPECT_EQ(m.topic, "campus/xh-primary/kitchen/xh-kitchen-cam-1/status");
  EXPECT_EQ(m.payload, "offline");
  EXPECT_TRUE(m.retain);
  EXPECT_EQ(p.muted_devices, std::vector<std::string>{"xh-kitchen-cam-1"});
  EXPECT_EQ(p.devices, p.muted_devices);
  const auto alerts = alerts_of(p, start, 3min);
  EXPECT_NE(std::find(alerts.begin(), alerts.end(),
                      "camera-offline-kitchen-hours xh-kitchen-cam-1 orange"),
            alerts.end())
      << ::testing::PrintToString(alerts);
}

TEST(scenario, one_key_alarm_presses_the_gate_button) {
  const auto start = testing::friday_midnight + 12h;
  const auto p = plan("one-key-alarm", {}, start);
  ASSERT_EQ(p.steps.size(), 1u);  // latched: no reset without --hold
  EXPECT_EQ(p.steps[0].messages.at(0).topic, "campus/xh-primary/gate/xh-gate-alarm-1/telemetry");
  EXPECT_EQ(parse_object(p.steps[0].messages[0]).at("state"), "alarm");
  EXPECT_EQ(alerts_of(p, start, 1s), std::vector<std::string>{"one-key-alarm xh-gate-alarm-1 red"});

  const auto reset = plan("one-key-alarm", testing::scenario_at("", 5s), start);
  ASSERT_EQ(reset.steps.size(), 2u);
  EXPECT_EQ(reset.steps[1].at, 5s);
  EXPECT_EQ(parse_object(reset.steps[1].messages.at(0)).at("state"), "normal");
}

TEST(scenario, unknown_names_and_sites_are_refused) {
  const auto& district = testing::sample_district();
  auto bad_name = plan_scenario("meteor", district, {}, testing::friday_midnight);
  ASSERT_FALSE(bad_name);
  EXPECT_NE(bad_name.error().find("gas-leak"), std::string::npos);  // lists the known ones
  auto bad_site = plan_scenario("gas-leak", district, testing::scenario_at("nowhere"),
                                testing::friday_midnight);
  ASSERT_FALSE(bad_site);
  EXPECT_NE(bad_site.error().find("nowhere"), std::string::npos);
  EXPECT_EQ(scenario_names().size(), 5u);
}

}  // namespace
}  // namespace campus::sim
