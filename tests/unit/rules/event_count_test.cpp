#include <gtest/gtest.h>

#include "rule_builders.hpp"

namespace campus::rules::test {
namespace {

rule_def no_hat(core::duration quiet = 0ms) {
  return event_count_rule("no_hat_3", "no_hat", 3, 10min, quiet);
}

device_profile camera() { return device("cam1", "kitchen_camera"); }

TEST(rules_event_count, three_in_ten_minutes_count_with_other_events_between) {
  rig t({no_hat()}, {camera()});
  t.feed(state("cam1", "event", "no_hat"));
  t.advance(2min);
  t.feed(state("cam1", "event", "no_mask"));
  t.feed(state("cam1", "event", "smoking"));
  t.feed(number("cam1", "temp_c", 30));
  t.advance(3min);
  t.feed(state("cam1", "event", "no_hat"));
  t.feed(state("cam1", "event", "no_mask"));
  t.advance(5min);  // exactly 10 min after the first
  auto es = t.feed(state("cam1", "event", "no_hat"));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);
  EXPECT_EQ(es[0].current.id, "no_hat_3/cam1#1");
  EXPECT_EQ(es[0].current.metric, "event");
  EXPECT_EQ(std::get<double>(es[0].current.value), 3);
  EXPECT_EQ(es[0].current.threshold, 3.0);
  EXPECT_EQ(es[0].current.severity, severity::yellow);
}

TEST(rules_event_count, three_spread_over_eleven_minutes_do_not_fire) {
  rig t({no_hat()}, {camera()});
  t.feed(state("cam1", "event", "no_hat"));
  t.advance(5min);
  t.feed(state("cam1", "event", "no_hat"));
  t.advance(6min);
  EXPECT_TRUE(t.feed(state("cam1", "event", "no_hat")).empty());
  EXPECT_TRUE(t.tick().empty());
  // The window slides: the last two and one more are three within ten minutes.
  t.advance(1min);
  EXPECT_EQ(count(t.feed(state("cam1", "event", "no_hat")), kind::raised), 1u);
}

TEST(rules_event_count, further_events_update_the_count_then_quiet_clears) {
  rig t({no_hat()}, {camera()});
  for (int i = 0; i < 3; ++i) {
    t.feed(state("cam1", "event", "no_hat"));
    t.advance(1min);
  }
  auto es = t.feed(state("cam1", "event", "no_hat"));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::updated);
  EXPECT_EQ(es[0].current.id, "no_hat_3/cam1#1");
  EXPECT_EQ(std::get<double>(es[0].current.value), 4);
  EXPECT_EQ(es[0].current.severity, severity::yellow);

  t.advance(10min - 1s);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1s);  // 10 min (the window: quiet's default) after the last no_hat
  es = t.tick();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
  EXPECT_TRUE(t.engine.active_alerts().empty());

  // Clearing forgot the counted events: three fresh ones are needed.
  t.feed(state("cam1", "event", "no_hat"));
  EXPECT_TRUE(t.feed(state("cam1", "event", "no_hat")).empty());
  es = t.feed(state("cam1", "event", "no_hat"));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.id, "no_hat_3/cam1#2");
}

TEST(rules_event_count, a_set_quiet_period_overrides_the_window) {
  rig t({no_hat(3min)}, {camera()});
  for (int i = 0; i < 3; ++i) t.feed(state("cam1", "event", "no_hat"));
  t.advance(2min);
  t.feed(state("cam1", "event", "no_hat"));
  t.advance(2min);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1min);
  EXPECT_EQ(count(t.tick(), kind::cleared), 1u);
}

}  // namespace
}  // namespace campus::rules::test
