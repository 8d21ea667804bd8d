// `clear_after`: a clear (or, for a threshold rule, a fall to a lower level) must hold for the
// rule's clear_after before the alert clears (or falls); rises are reported at once.
#include <gtest/gtest.h>

#include "rule_builders.hpp"

namespace campus::rules::test {
namespace {

// The sample district's gas rule: yellow above 10 (clears at 8), red above 25 (clears at 20).
rule_def gas(core::duration clear_after) {
  auto r = threshold_rule("gas", "lel_pct", comparison::above,
                          {at(severity::yellow, 10, 8), at(severity::red, 25, 20)});
  r.clear_after = clear_after;
  return r;
}

events feed(rig& t, double v) { return t.feed(number("gd1", "lel_pct", v)); }

TEST(rules_clear_after, a_clear_waits_and_then_clears_on_a_tick_without_a_reading) {
  rig t({gas(30s)}, {device("gd1")});
  ASSERT_EQ(count(feed(t, 12), kind::raised), 1u);
  t.advance(5s);
  EXPECT_TRUE(feed(t, 3).empty());  // the clear starts waiting: still active
  ASSERT_EQ(t.engine.active_alerts().size(), 1u);
  EXPECT_EQ(t.engine.active_alerts()[0].severity, severity::yellow);
  t.advance(29s);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1s);
  const auto es = t.tick();  // 30 s after the clearing reading, no reading since
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
  EXPECT_EQ(es[0].current.cleared_at, monday_10h_shanghai + 35s);
  EXPECT_TRUE(t.engine.active_alerts().empty());
  // A new rise is a new alert, raised at once.
  EXPECT_EQ(count(feed(t, 12), kind::raised), 1u);
}

TEST(rules_clear_after, a_reading_back_over_the_threshold_cancels_the_clear_with_no_event) {
  rig t({gas(30s)}, {device("gd1")});
  feed(t, 12);
  t.advance(20s);
  EXPECT_TRUE(feed(t, 3).empty());
  t.advance(20s);
  EXPECT_TRUE(feed(t, 11).empty());  // back within the wait: nothing at all
  t.advance(20s);
  EXPECT_TRUE(t.tick().empty());     // 40 s after the first clearing reading: still active
  EXPECT_TRUE(feed(t, 3).empty());   // the wait starts again from here
  t.advance(30s);
  EXPECT_EQ(count(t.tick(), kind::cleared), 1u);
  EXPECT_EQ(t.all.size(), 2u);       // raised, cleared
}

TEST(rules_clear_after, flapping_across_the_clear_level_is_one_alert_for_as_long_as_it_lasts) {
  // 7.9 / 10.1 every 0.2 s for 60 s, the engine ticking every second.
  rig t({gas(30s)}, {device("gd1")});
  for (int i = 0; i < 300; ++i) {
    feed(t, i % 2 == 0 ? 10.1 : 7.9);
    t.advance(200ms);
    if (i % 5 == 4) t.tick();
  }
  EXPECT_EQ(t.all.size(), 1u);  // raised, nothing else
  EXPECT_EQ(count(t.all, kind::raised), 1u);
  feed(t, 7.9);                 // the flapping stops below the clear level
  for (int s = 0; s < 31; ++s) {
    t.advance(1s);
    t.tick();
  }
  EXPECT_EQ(count(t.all, kind::cleared), 1u);
  EXPECT_EQ(t.all.size(), 2u);
}

TEST(rules_clear_after, without_it_the_same_flapping_is_an_event_per_crossing) {
  rig t({gas(0s)}, {device("gd1")});
  for (int i = 0; i < 300; ++i) {
    feed(t, i % 2 == 0 ? 10.1 : 7.9);
    t.advance(200ms);
  }
  EXPECT_EQ(count(t.all, kind::raised), 150u);
  EXPECT_EQ(count(t.all, kind::cleared), 150u);
}

TEST(rules_clear_after, slow_flapping_clears_at_most_once_per_clear_after) {
  // Below for 40 s, above for 1 s, over and over: each clear waited its 30 s.
  rig t({gas(30s)}, {device("gd1")});
  for (int cycle = 0; cycle < 10; ++cycle) {
    feed(t, 12);
    t.advance(1s);
    feed(t, 3);
    for (int s = 0; s < 40; ++s) {
      t.advance(1s);
      t.tick();
    }
  }
  EXPECT_EQ(count(t.all, kind::raised), 10u);
  EXPECT_EQ(count(t.all, kind::cleared), 10u);
  for (const auto& e : t.all) {
    if (e.what != kind::cleared) continue;
    EXPECT_GE(e.current.cleared_at.value() - e.current.raised_at, 31s);  // 1 s above + 30 s
  }
}

TEST(rules_clear_after, a_rise_is_at_once_and_a_fall_waits_like_a_clear) {
  rig t({gas(30s)}, {device("gd1")});
  feed(t, 12);
  t.advance(1s);
  auto es = feed(t, 26);  // red at once
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::updated);
  EXPECT_EQ(es[0].current.severity, severity::red);
  // 19.9 / 25.1 flapping: red stays red, no event.
  for (int i = 0; i < 100; ++i) {
    t.advance(200ms);
    EXPECT_TRUE(feed(t, i % 2 == 0 ? 19.9 : 25.1).empty()) << i;
  }
  t.advance(200ms);
  EXPECT_TRUE(feed(t, 19.9).empty());  // yellow holds now; red is kept for 30 s
  const auto fell_at = t.clock.now();
  t.advance(29s);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1s);
  es = t.tick();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::updated);
  EXPECT_EQ(es[0].current.severity, severity::yellow);
  EXPECT_EQ(es[0].current.threshold, 10.0);
  EXPECT_EQ(es[0].current.updated_at, fell_at + 30s);
}

TEST(rules_clear_after, the_alert_shows_the_worst_level_of_the_last_clear_after) {
  // Red falls to yellow at +0, yellow stops holding at +20: yellow at +30, cleared at +50.
  rig t({gas(30s)}, {device("gd1")});
  feed(t, 30);
  EXPECT_TRUE(feed(t, 15).empty());
  t.advance(20s);
  EXPECT_TRUE(feed(t, 2).empty());
  t.advance(10s);
  auto es = t.tick();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.severity, severity::yellow);
  t.advance(19s);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1s);
  EXPECT_EQ(count(t.tick(), kind::cleared), 1u);
}

TEST(rules_clear_after, a_window_edge_clears_at_once) {
  auto r = gas(30s);
  r.windows = {hours(9, 0, 10, 1)};  // 09:00–10:01 in Shanghai
  rig t({r}, {device("gd1")});
  feed(t, 12);
  t.advance(1min);
  const auto es = t.tick();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
}

TEST(rules_clear_after, a_dwell_alert_clears_after_the_tag_stayed_away) {
  auto r = dwell_rule("pool_edge", 3.0, 10s);
  r.clear_after = 20s;
  rig t({r}, {device("wb1", "water_beacon", "water_zone")});
  const auto tag = [&](double d) { return t.feed(number("wb1", "dist_m", d, "tag7")); };
  tag(2);
  t.advance(10s);
  ASSERT_EQ(count(tag(2), kind::raised), 1u);
  for (int i = 0; i < 20; ++i) {  // at the edge of the distance: one alert
    t.advance(1s);
    EXPECT_TRUE(tag(i % 2 == 0 ? 3.2 : 2.9).empty()) << i;
    EXPECT_TRUE(t.tick().empty()) << i;
  }
  tag(5);
  t.advance(19s);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1s);
  EXPECT_EQ(count(t.tick(), kind::cleared), 1u);
  EXPECT_EQ(t.all.size(), 2u);
}

}  // namespace
}  // namespace campus::rules::test
