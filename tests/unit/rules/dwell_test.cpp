#include <gtest/gtest.h>

#include "rule_builders.hpp"

namespace campus::rules::test {
namespace {

rule_def near_water() { return dwell_rule("pool_edge", 3.0, 30s); }
device_profile receiver() { return device("wb1", "water_beacon", "water_zone"); }

TEST(rules_dwell, a_tag_near_for_the_dwell_time_raises_per_tag) {
  rig t({near_water()}, {receiver()});
  for (int i = 0; i < 6; ++i) {
    EXPECT_TRUE(t.feed(number("wb1", "dist_m", 2.0, "tag7")).empty()) << i;
    EXPECT_TRUE(t.feed(number("wb1", "dist_m", 8.0, "tag8")).empty()) << i;
    t.advance(5s);
  }
  auto es = t.feed(number("wb1", "dist_m", 2.5, "tag7"));  // 30 s near
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);
  EXPECT_EQ(es[0].current.id, "pool_edge/wb1/tag7#1");
  EXPECT_EQ(es[0].current.subject, "tag7");
  EXPECT_EQ(es[0].current.metric, "dist_m");
  EXPECT_EQ(std::get<double>(es[0].current.value), 2.5);
  EXPECT_EQ(es[0].current.threshold, 3.0);
  EXPECT_EQ(es[0].current.severity, severity::red);

  EXPECT_TRUE(t.feed(number("wb1", "dist_m", 1.0, "tag7")).empty());
  es = t.feed(number("wb1", "dist_m", 3.5, "tag7"));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
}

TEST(rules_dwell, stepping_away_restarts_the_dwell_time) {
  rig t({near_water()}, {receiver()});
  t.feed(number("wb1", "dist_m", 2, "tag7"));
  t.advance(20s);
  t.feed(number("wb1", "dist_m", 4, "tag7"));
  t.advance(5s);
  t.feed(number("wb1", "dist_m", 2, "tag7"));
  t.advance(25s);
  EXPECT_TRUE(t.tick().empty());
  t.advance(5s);
  EXPECT_EQ(count(t.tick(), kind::raised), 1u);  // raised by a tick: tags may report slowly
}

TEST(rules_dwell, a_tag_not_seen_for_a_minute_clears) {
  rig t({near_water()}, {receiver()});
  t.feed(number("wb1", "dist_m", 2, "tag7"));
  t.advance(30s);
  EXPECT_EQ(count(t.feed(number("wb1", "dist_m", 2, "tag7")), kind::raised), 1u);
  t.advance(59s);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1s);
  auto es = t.tick();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
  EXPECT_TRUE(t.engine.active_alerts().empty());
}

TEST(rules_dwell, the_metric_defaults_to_dist_m) {
  rule_def r = near_water();
  r.metric.clear();
  rig t({r}, {receiver()});
  t.feed(number("wb1", "dist_m", 1, "tag7"));
  t.advance(30s);
  const auto es = t.feed(number("wb1", "dist_m", 1, "tag7"));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.metric, "dist_m");
}

}  // namespace
}  // namespace campus::rules::test
