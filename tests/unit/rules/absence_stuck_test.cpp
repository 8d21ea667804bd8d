#include <gtest/gtest.h>

#include "rule_builders.hpp"

namespace campus::rules::test {
namespace {

TEST(rules_absence, a_device_never_heard_from_is_silent_since_the_engine_started) {
  rig t({absence_rule("offline", 5min)}, {device("gd1"), device("gd2")});
  t.advance(4min);
  t.feed(number("gd2", "lel_pct", 1));  // gd2 speaks; its silence restarts
  t.advance(59s);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1s);
  auto es = t.tick();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);
  EXPECT_EQ(es[0].current.id, "offline/gd1#1");
  EXPECT_EQ(es[0].current.severity, severity::orange);
  EXPECT_EQ(es[0].current.metric, "status");
  EXPECT_EQ(std::get<std::string>(es[0].current.value), "no_data");
  EXPECT_TRUE(t.tick().empty());  // raised once, not every tick

  t.advance(4min);
  es = t.tick();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.device, "gd2");
  EXPECT_EQ(t.engine.active_alerts().size(), 2u);

  es = t.feed(number("gd1", "lel_pct", 1));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
  EXPECT_EQ(es[0].current.id, "offline/gd1#1");
  EXPECT_EQ(t.engine.active_alerts().size(), 1u);
}

TEST(rules_absence, status_offline_raises_at_once_and_the_next_reading_clears) {
  rig t({absence_rule("offline", 5min)}, {device("gd1")});
  auto es = t.feed(state("gd1", "status", "offline"));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);
  EXPECT_EQ(std::get<std::string>(es[0].current.value), "offline");
  EXPECT_TRUE(t.feed(state("gd1", "status", "offline")).empty());
  t.advance(10min);
  EXPECT_TRUE(t.tick().empty());  // already active
  es = t.feed(state("gd1", "status", "online"));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);

  es = t.feed(state("gd1", "status", "offline"));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.id, "offline/gd1#2");
  EXPECT_EQ(count(t.feed(number("gd1", "lel_pct", 0.5)), kind::cleared), 1u);
}

TEST(rules_absence, status_offline_keeps_silence_running) {
  // The broker's last-will "offline" is not a sign of life.
  rig t({absence_rule("offline", 5min)}, {device("gd1")});
  t.feed(number("gd1", "lel_pct", 1));
  t.advance(1min);
  t.feed(state("gd1", "status", "offline"));
  t.feed(state("gd1", "status", "online"));
  EXPECT_EQ(t.all.size(), 2u);  // raised, cleared
  t.advance(5min);
  EXPECT_EQ(count(t.tick(), kind::raised), 1u);  // silent since the online at +1 min
}

TEST(rules_stuck, a_value_repeated_for_the_period_raises_and_any_change_clears) {
  rig t({stuck_rule("frozen", "temp_c", 30min)}, {device("fr1", "fridge")});
  for (int i = 0; i < 30; ++i) {
    EXPECT_TRUE(t.feed(number("fr1", "temp_c", 4.25)).empty()) << "minute " << i;
    t.advance(1min);
  }
  EXPECT_TRUE(t.tick().empty());  // a tick alone does not raise: readings must keep coming
  auto es = t.feed(number("fr1", "temp_c", 4.25));  // +30 min
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);
  EXPECT_EQ(es[0].current.severity, severity::blue);
  EXPECT_EQ(std::get<double>(es[0].current.value), 4.25);
  t.advance(1min);
  EXPECT_TRUE(t.feed(number("fr1", "temp_c", 4.25)).empty());
  es = t.feed(number("fr1", "temp_c", 4.26));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
}

TEST(rules_stuck, a_changing_value_never_raises) {
  rig t({stuck_rule("frozen", "temp_c", 10min)}, {device("fr1", "fridge")});
  for (int i = 0; i < 60; ++i) {
    t.feed(number("fr1", "temp_c", i % 2 ? 4.0 : 4.1));
    t.advance(1min);
  }
  EXPECT_TRUE(t.all.empty());
}

}  // namespace
}  // namespace campus::rules::test
