// After a restart the engine takes up the conditions that were active (rule_engine::restore):
// the next reading that no longer holds clears them, one that still holds raises nothing new.
#include <gtest/gtest.h>

#include "rule_builders.hpp"

namespace campus::rules::test {
namespace {

rule_def gas_rule() {
  return threshold_rule("gas", "lel_pct", comparison::above,
                        {at(severity::yellow, 10, 8), at(severity::red, 25, 20)});
}

// The alerts one engine (the process before the restart) has active after `feed`.
template <class Feed>
std::vector<alert> active_before_restart(std::vector<rule_def> rules,
                                         std::vector<device_profile> devices, Feed feed,
                                         core::time_point* stopped_at = nullptr) {
  rig before(std::move(rules), std::move(devices));
  feed(before);
  if (stopped_at) *stopped_at = before.clock.now();
  return before.engine.active_alerts();
}

TEST(rules_restore, a_restored_threshold_alert_clears_on_the_next_low_reading) {
  auto active = active_before_restart({gas_rule()}, {device("gd1")}, [](rig& t) {
    t.feed(number("gd1", "lel_pct", 30));
  });
  ASSERT_EQ(active.size(), 1u);

  rig after({gas_rule()}, {device("gd1")});
  auto taken = after.engine.restore(active);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].severity, severity::red);
  EXPECT_EQ(taken[0].raised_at, active[0].raised_at);
  EXPECT_EQ(after.engine.active_alerts().size(), 1u);

  // Still over the red level: nothing new is raised.
  EXPECT_TRUE(after.feed(number("gd1", "lel_pct", 28)).empty());
  // Down to yellow: the restored alert is updated, not raised again.
  auto es = after.feed(number("gd1", "lel_pct", 15));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::updated);
  EXPECT_EQ(es[0].current.id, taken[0].id);
  // Below the clear level: cleared.
  es = after.feed(number("gd1", "lel_pct", 1));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
  EXPECT_EQ(es[0].current.id, taken[0].id);
  EXPECT_TRUE(after.engine.active_alerts().empty());
  EXPECT_EQ(count(after.all, kind::raised), 0u);
}

TEST(rules_restore, without_restore_the_same_low_reading_clears_nothing) {
  // What restore is for: a fresh engine knows no alert, so a clearing reading says nothing and
  // the open entry would stay active for ever.
  rig fresh({gas_rule()}, {device("gd1")});
  EXPECT_TRUE(fresh.feed(number("gd1", "lel_pct", 1)).empty());
}

TEST(rules_restore, absence_stuck_event_count_and_dwell_alerts_clear_as_they_would_have) {
  auto offline = absence_rule("offline", 30min);
  offline.devices = {"gd1"};
  const auto rules = std::vector<rule_def>{offline,
                                           stuck_rule("stuck", "lel_pct", 10min),
                                           event_count_rule("smoke", "smoke", 1, 5min),
                                           dwell_rule("water", 3, 30s)};
  const auto devices = std::vector<device_profile>{device("gd1"), device("sm1", "alarm_input"),
                                                   device("wb1", "water_beacon")};
  core::time_point stopped_at;
  auto active = active_before_restart(rules, devices, [](rig& t) {
    t.feed(number("gd1", "lel_pct", 2));
    t.feed(number("wb1", "dist_m", 1, "tag-7"));
    t.advance(11min);
    t.feed(number("gd1", "lel_pct", 2));      // stuck for 11 min
    t.feed(number("wb1", "dist_m", 1, "tag-7"));  // near for 11 min
    t.feed(state("sm1", "event", "smoke"));
    t.feed(state("gd1", "status", "offline"));
    t.tick();
  }, &stopped_at);
  ASSERT_EQ(active.size(), 4u);

  rig after(rules, devices, stopped_at + 1min);  // restarted a minute later
  ASSERT_EQ(after.engine.restore(active).size(), 4u);
  // A repeat of the stuck value, the tag still near, no smoke yet: nothing new.
  EXPECT_TRUE(after.feed(number("wb1", "dist_m", 1, "tag-7")).empty());
  EXPECT_TRUE(after.tick().empty());

  // A different value: stuck clears; any reading is a sign of life: offline clears.
  auto es = after.feed(number("gd1", "lel_pct", 3));
  EXPECT_EQ(count(es, kind::cleared), 2u);
  // The tag walks away: dwell clears.
  es = after.feed(number("wb1", "dist_m", 9, "tag-7"));
  EXPECT_EQ(count(es, kind::cleared), 1u);
  // Quiet for the window since the last smoke event: the event-count alert clears.
  after.advance(5min);
  es = after.tick();
  EXPECT_EQ(count(es, kind::cleared), 1u);
  EXPECT_TRUE(after.engine.active_alerts().empty());
  EXPECT_EQ(count(after.all, kind::raised), 0u);
}

TEST(rules_restore, an_alert_of_a_device_or_rule_no_longer_configured_is_left_out) {
  auto active = active_before_restart({gas_rule()}, {device("gd1"), device("gd2")}, [](rig& t) {
    t.feed(number("gd1", "lel_pct", 30));
    t.feed(number("gd2", "lel_pct", 30));
  });
  ASSERT_EQ(active.size(), 2u);
  auto renamed = gas_rule();
  renamed.id = "gas-v2";
  rig after({renamed}, {device("gd1")});
  EXPECT_TRUE(after.engine.restore(active).empty());
  // Its own condition is evaluated afresh.
  EXPECT_EQ(count(after.feed(number("gd1", "lel_pct", 30)), kind::raised), 1u);
}

TEST(rules_restore, restoring_twice_takes_up_each_condition_once) {
  auto active = active_before_restart({gas_rule()}, {device("gd1")}, [](rig& t) {
    t.feed(number("gd1", "lel_pct", 30));
  });
  rig after({gas_rule()}, {device("gd1")});
  EXPECT_EQ(after.engine.restore(active).size(), 1u);
  EXPECT_TRUE(after.engine.restore(active).empty());
  EXPECT_EQ(after.engine.active_alerts().size(), 1u);
}

}  // namespace
}  // namespace campus::rules::test
