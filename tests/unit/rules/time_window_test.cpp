#include <gtest/gtest.h>

#include <date/tz.h>

#include "rule_builders.hpp"
#include "rules/local_moment.hpp"

namespace campus::rules::test {
namespace {

// Local wall-clock time in Shanghai (UTC+8, no DST) as a UTC instant.
core::time_point shanghai(int y, unsigned mo, unsigned d, int h, int mi) {
  return utc(y, mo, d, 0, 0) + std::chrono::hours{h - 8} + std::chrono::minutes{mi};
}

rule_def door_after_hours(core::duration for_duration = 0ms) {
  rule_def r = threshold_rule("chem_door_after_hours", "door", comparison::equal,
                              {state_is(severity::orange, "open")}, for_duration);
  r.zone_types = {"chemical_store"};
  r.windows = {hours(18, 0, 7, 0)};
  return r;
}

device_profile chem_cabinet() { return device("hc1", "hazmat_cabinet", "chemical_store"); }

TEST(rules_time_window, after_hours_door_raises_at_the_edge_and_clears_at_the_other) {
  rig t({door_after_hours()}, {chem_cabinet()}, shanghai(2025, 11, 24, 17, 0));
  EXPECT_TRUE(t.feed(state("hc1", "door", "open")).empty());  // 17:00: school hours
  t.advance(59min);
  EXPECT_TRUE(t.tick().empty());  // 17:59
  t.advance(1min);
  auto es = t.tick();  // 18:00, the door still open: no new reading is needed
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);
  EXPECT_EQ(es[0].current.severity, severity::orange);
  const std::string first = es[0].current.id;

  t.advance(8h);  // 02:00, past midnight: still after hours
  EXPECT_TRUE(t.tick().empty());
  t.advance(4h + 59min);
  EXPECT_TRUE(t.tick().empty());  // 06:59
  t.advance(1min);
  es = t.tick();  // 07:00
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
  EXPECT_EQ(es[0].current.id, first);

  t.advance(11h);  // 18:00 the next evening, still open: a new alert
  es = t.tick();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);
  EXPECT_NE(es[0].current.id, first);
  EXPECT_EQ(count(t.feed(state("hc1", "door", "closed")), kind::cleared), 1u);
}

TEST(rules_time_window, a_reading_after_midnight_inside_a_wrapped_window_raises) {
  rig t({door_after_hours()}, {chem_cabinet()}, shanghai(2025, 11, 25, 2, 0));
  EXPECT_EQ(count(t.feed(state("hc1", "door", "open")), kind::raised), 1u);
}

TEST(rules_time_window, a_reading_after_the_edge_clears_before_any_tick) {
  rig t({door_after_hours()}, {chem_cabinet()}, shanghai(2025, 11, 25, 6, 59));
  t.feed(state("hc1", "door", "open"));
  t.advance(2min);
  EXPECT_EQ(count(t.feed(state("hc1", "door", "open")), kind::cleared), 1u);
}

TEST(rules_time_window, for_counts_only_time_inside_the_window) {
  rig t({door_after_hours(10min)}, {chem_cabinet()}, shanghai(2025, 11, 24, 17, 0));
  t.feed(state("hc1", "door", "open"));
  t.advance(1h);
  EXPECT_TRUE(t.tick().empty());  // 18:00: the wait starts now
  t.advance(9min);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1min);
  EXPECT_EQ(count(t.tick(), kind::raised), 1u);
}

TEST(rules_time_window, kitchen_hours_on_weekdays_only) {
  rule_def gas = threshold_rule("kitchen_gas", "lel_pct", comparison::above,
                                {at(severity::red, 10)});
  gas.windows = {hours(6, 0, 13, 0, {1, 2, 3, 4, 5}), hours(16, 0, 19, 30, {1, 2, 3, 4, 5})};
  rig t({gas}, {device("gd1")}, shanghai(2025, 11, 22, 10, 0));  // a Saturday
  EXPECT_TRUE(t.feed(number("gd1", "lel_pct", 20)).empty());
  t.clock.set(shanghai(2025, 11, 24, 14, 0));  // Monday, between the two shifts
  EXPECT_TRUE(t.feed(number("gd1", "lel_pct", 20)).empty());
  t.clock.set(shanghai(2025, 11, 24, 16, 0));
  EXPECT_EQ(count(t.feed(number("gd1", "lel_pct", 20)), kind::raised), 1u);
  t.clock.set(shanghai(2025, 11, 24, 19, 30));  // end is exclusive
  EXPECT_EQ(count(t.tick(), kind::cleared), 1u);
}

TEST(rules_time_window, swimming_season) {
  rule_def r = dwell_rule("pool_edge", 3, 30s);
  r.windows = {season(601, 831)};
  const device_profile beacon = device("wb1", "water_beacon", "water_zone");

  rig summer({r}, {beacon}, shanghai(2025, 7, 15, 15, 0));
  summer.feed(number("wb1", "dist_m", 1, "tag1"));
  summer.advance(30s);
  EXPECT_EQ(count(summer.feed(number("wb1", "dist_m", 1, "tag1")), kind::raised), 1u);

  rig autumn({r}, {beacon}, shanghai(2025, 9, 1, 0, 0));  // 1 September: season over
  autumn.feed(number("wb1", "dist_m", 1, "tag1"));
  autumn.advance(30s);
  autumn.feed(number("wb1", "dist_m", 1, "tag1"));
  autumn.tick();
  EXPECT_TRUE(autumn.all.empty());
}

TEST(rules_time_window, a_monday_window_in_shanghai_while_it_is_still_sunday_in_utc) {
  rule_def r = threshold_rule("gas", "lel_pct", comparison::above, {at(severity::red, 10)});
  r.windows = {hours(7, 0, 8, 0, {1})};  // Monday 07:00–08:00
  const auto sunday_2330_utc = utc(2025, 11, 23, 23, 30);
  rig t({r}, {device("sh1"), device("utc1", "gas_detector", "canteen_kitchen", "s2", "UTC")},
        sunday_2330_utc);
  auto es = t.feed(number("sh1", "lel_pct", 20));  // Monday 07:30 in Shanghai
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.device, "sh1");
  EXPECT_TRUE(t.feed(number("utc1", "lel_pct", 20)).empty());  // Sunday 23:30 there
}

TEST(rules_time_window, events_outside_the_window_are_not_counted) {
  rule_def r = event_count_rule("no_hat_3", "no_hat", 3, 10min);
  r.windows = {hours(6, 0, 13, 0)};
  rig t({r}, {device("cam1", "kitchen_camera")}, shanghai(2025, 11, 24, 5, 55));
  t.feed(state("cam1", "event", "no_hat"));
  t.feed(state("cam1", "event", "no_hat"));
  t.advance(5min);
  EXPECT_TRUE(t.feed(state("cam1", "event", "no_hat")).empty());
  t.feed(state("cam1", "event", "no_hat"));
  EXPECT_EQ(count(t.feed(state("cam1", "event", "no_hat")), kind::raised), 1u);
}

TEST(rules_time_window, absence_during_school_hours_only) {
  rule_def r = absence_rule("offline", 10min);
  r.windows = {hours(7, 0, 18, 0)};
  rig t({r}, {device("gd1")}, shanghai(2025, 11, 24, 18, 0));
  t.advance(12h);
  EXPECT_TRUE(t.tick().empty());  // 06:00: silent all night, but outside the window
  t.advance(1h);
  EXPECT_EQ(count(t.tick(), kind::raised), 1u);  // 07:00
  t.advance(11h);
  EXPECT_EQ(count(t.tick(), kind::cleared), 1u);  // 18:00
}

TEST(rules_time_window, unknown_time_zone_fails_at_construction) {
  rule_def r = door_after_hours();
  core::manual_clock clock;
  EXPECT_THROW(rule_engine({r}, {device("hc1", "hazmat_cabinet", "chemical_store", "s1", "Mars/Olympus")},
                           clock),
               std::invalid_argument);
  // Without windows the zone is never needed.
  r.windows.clear();
  EXPECT_NO_THROW(rule_engine({r}, {device("hc1", "hazmat_cabinet", "chemical_store", "s1", "")},
                              clock));
}

local_moment moment_in_shanghai(int y, unsigned mo, unsigned d, int h, int mi) {
  return local_moment::at(*date::locate_zone("Asia/Shanghai"), shanghai(y, mo, d, h, mi));
}

TEST(rules_local_moment, reads_the_wall_clock_of_the_zone) {
  const auto m = moment_in_shanghai(2025, 11, 24, 7, 30);
  EXPECT_EQ(m.weekday, 1);
  EXPECT_EQ(m.minute, 7 * 60 + 30);
  EXPECT_EQ(m.month_day, 1124);
  EXPECT_EQ(m.previous_weekday, 7);
  EXPECT_EQ(m.previous_month_day, 1123);
  // Daylight saving: 12:00 UTC on 1 July is 14:00 in Berlin, in January 13:00.
  EXPECT_EQ(local_moment::at(*date::locate_zone("Europe/Berlin"), utc(2025, 7, 1, 12, 0)).minute,
            14 * 60);
  EXPECT_EQ(local_moment::at(*date::locate_zone("Europe/Berlin"), utc(2025, 1, 1, 12, 0)).minute,
            13 * 60);
}

TEST(rules_local_moment, a_wrapped_window_belongs_to_the_day_it_starts_on) {
  const time_window friday_night = hours(22, 0, 6, 0, {5});
  EXPECT_TRUE(within(friday_night, moment_in_shanghai(2025, 11, 28, 23, 0)));   // Friday
  EXPECT_TRUE(within(friday_night, moment_in_shanghai(2025, 11, 29, 3, 0)));    // Saturday
  EXPECT_FALSE(within(friday_night, moment_in_shanghai(2025, 11, 28, 3, 0)));   // Friday early
  EXPECT_FALSE(within(friday_night, moment_in_shanghai(2025, 11, 29, 6, 0)));   // end exclusive
  EXPECT_FALSE(within(friday_night, moment_in_shanghai(2025, 11, 29, 22, 0)));  // Saturday
}

TEST(rules_local_moment, seasons_are_inclusive_and_may_wrap_past_new_year) {
  const time_window heating = season(1101, 301);
  EXPECT_TRUE(within(heating, moment_in_shanghai(2025, 11, 1, 0, 0)));
  EXPECT_TRUE(within(heating, moment_in_shanghai(2026, 1, 15, 12, 0)));
  EXPECT_TRUE(within(heating, moment_in_shanghai(2026, 3, 1, 23, 59)));
  EXPECT_FALSE(within(heating, moment_in_shanghai(2026, 3, 2, 0, 0)));
  EXPECT_FALSE(within(heating, moment_in_shanghai(2025, 10, 31, 23, 59)));

  const time_window swimming = season(601, 831);
  EXPECT_TRUE(within(swimming, moment_in_shanghai(2025, 8, 31, 23, 59)));
  EXPECT_FALSE(within(swimming, moment_in_shanghai(2025, 5, 31, 12, 0)));
}

}  // namespace
}  // namespace campus::rules::test
