#include <gtest/gtest.h>

#include "rule_builders.hpp"

namespace campus::rules::test {
namespace {

rule_def gas_high(std::optional<double> clear = std::nullopt) {
  return threshold_rule("gas_high", "lel_pct", comparison::above,
                        {at(severity::red, 10, clear)});
}

TEST(rules_threshold, above_raises_clears_and_reraises_with_a_new_id) {
  rig t({gas_high()}, {device("gd1")});
  EXPECT_TRUE(t.feed(number("gd1", "lel_pct", 10)).empty());  // not above 10

  auto es = t.feed(number("gd1", "lel_pct", 12.5));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);
  const alert& a = es[0].current;
  EXPECT_EQ(a.id, "gas_high/gd1#1");
  EXPECT_EQ(a.device, "gd1");
  EXPECT_EQ(a.site, "s1");
  EXPECT_EQ(a.zone, "z-gd1");
  EXPECT_EQ(a.rule, "gas_high");
  EXPECT_EQ(a.rule_name, "阈值");
  EXPECT_EQ(a.metric, "lel_pct");
  EXPECT_EQ(a.severity, severity::red);
  EXPECT_EQ(std::get<double>(a.value), 12.5);
  EXPECT_EQ(a.threshold, 10.0);
  EXPECT_EQ(a.raised_at, monday_10h_shanghai);
  EXPECT_EQ(a.cond, condition::active);
  ASSERT_EQ(t.engine.active_alerts().size(), 1u);

  // A higher value at the same severity is not news.
  EXPECT_TRUE(t.feed(number("gd1", "lel_pct", 30)).empty());

  t.advance(5s);
  es = t.feed(number("gd1", "lel_pct", 3));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
  EXPECT_EQ(es[0].current.id, "gas_high/gd1#1");
  EXPECT_EQ(es[0].current.cond, condition::cleared);
  EXPECT_EQ(es[0].current.cleared_at, monday_10h_shanghai + 5s);
  EXPECT_TRUE(t.engine.active_alerts().empty());

  es = t.feed(number("gd1", "lel_pct", 11));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);
  EXPECT_NE(es[0].current.id, "gas_high/gd1#1");
  EXPECT_EQ(es[0].current.id.rfind("gas_high/gd1#", 0), 0u);
}

const std::vector<double> flapping = {10.2, 9.8, 10.3, 9.9, 10.1, 9.7, 10.4, 9.6};

TEST(rules_threshold, without_hysteresis_every_crossing_is_an_event) {
  rig t({gas_high()}, {device("gd1")});
  for (double v : flapping) t.feed(number("gd1", "lel_pct", v));
  EXPECT_EQ(count(t.all, kind::raised), 4u);
  EXPECT_EQ(count(t.all, kind::cleared), 4u);
}

TEST(rules_threshold, hysteresis_suppresses_flapping) {
  rig t({gas_high(8.0)}, {device("gd1")});
  for (double v : flapping) t.feed(number("gd1", "lel_pct", v));
  EXPECT_EQ(count(t.all, kind::raised), 1u);
  EXPECT_EQ(count(t.all, kind::cleared), 0u);
  EXPECT_TRUE(t.feed(number("gd1", "lel_pct", 8.1)).empty());  // still above the clear level
  auto es = t.feed(number("gd1", "lel_pct", 8.0));              // at the clear level: clears
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
  EXPECT_TRUE(t.feed(number("gd1", "lel_pct", 9.5)).empty());  // back under the threshold
}

TEST(rules_threshold, below_mirrors_above) {
  rig t({threshold_rule("o2_low", "o2_pct", comparison::below, {at(severity::orange, 19.5, 20.0)})},
        {device("gd1")});
  EXPECT_TRUE(t.feed(number("gd1", "o2_pct", 19.5)).empty());
  EXPECT_EQ(count(t.feed(number("gd1", "o2_pct", 19.4)), kind::raised), 1u);
  EXPECT_TRUE(t.feed(number("gd1", "o2_pct", 19.8)).empty());  // hysteresis holds it
  EXPECT_EQ(count(t.feed(number("gd1", "o2_pct", 20.0)), kind::cleared), 1u);
}

TEST(rules_threshold, equal_on_states_and_numbers_ignores_the_other_type) {
  rig t({threshold_rule("door_open", "door", comparison::equal, {state_is(severity::yellow, "open")}),
         threshold_rule("fault_code", "code", comparison::equal, {at(severity::blue, 7)})},
        {device("hc1", "hazmat_cabinet")});
  EXPECT_TRUE(t.feed(number("hc1", "door", 1)).empty());   // a number for a state rule
  EXPECT_TRUE(t.feed(state("hc1", "code", "7")).empty());  // a state for a numeric rule
  EXPECT_TRUE(t.feed(state("hc1", "door", "closed")).empty());
  auto es = t.feed(state("hc1", "door", "open"));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(std::get<std::string>(es[0].current.value), "open");
  EXPECT_FALSE(es[0].current.threshold);
  EXPECT_EQ(count(t.feed(state("hc1", "door", "closed")), kind::cleared), 1u);

  EXPECT_TRUE(t.feed(number("hc1", "code", 6)).empty());
  EXPECT_EQ(count(t.feed(number("hc1", "code", 7)), kind::raised), 1u);
  EXPECT_EQ(count(t.feed(number("hc1", "code", 8)), kind::cleared), 1u);
}

TEST(rules_threshold, outside_a_band_reports_the_bound_crossed) {
  rig t({threshold_rule("temp_band", "temp_c", comparison::outside, {band(severity::yellow, 2, 8)})},
        {device("fr1", "fridge")});
  EXPECT_TRUE(t.feed(number("fr1", "temp_c", 5)).empty());
  auto es = t.feed(number("fr1", "temp_c", 9));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.threshold, 8.0);
  EXPECT_EQ(count(t.feed(number("fr1", "temp_c", 8)), kind::cleared), 1u);
  es = t.feed(number("fr1", "temp_c", 1.5));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.threshold, 2.0);
}

TEST(rules_threshold, for_duration_waits_then_raises_on_tick_or_reading) {
  rig t({threshold_rule("gas_high", "lel_pct", comparison::above, {at(severity::red, 10)}, 30s)},
        {device("gd1")});
  EXPECT_TRUE(t.feed(number("gd1", "lel_pct", 15)).empty());
  t.advance(20s);
  EXPECT_TRUE(t.feed(number("gd1", "lel_pct", 16)).empty());
  t.advance(9s);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1s);
  auto es = t.tick();
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::raised);
  EXPECT_EQ(es[0].current.raised_at, monday_10h_shanghai + 30s);
  EXPECT_EQ(std::get<double>(es[0].current.value), 16);

  // The same wait ended by a reading instead of a tick.
  rig r({threshold_rule("gas_high", "lel_pct", comparison::above, {at(severity::red, 10)}, 30s)},
        {device("gd1")});
  r.feed(number("gd1", "lel_pct", 15));
  r.advance(30s);
  EXPECT_EQ(count(r.feed(number("gd1", "lel_pct", 15)), kind::raised), 1u);
}

TEST(rules_threshold, a_dip_during_the_for_wait_restarts_it) {
  rig t({threshold_rule("gas_high", "lel_pct", comparison::above, {at(severity::red, 10)}, 30s)},
        {device("gd1")});
  t.feed(number("gd1", "lel_pct", 15));
  t.advance(20s);
  t.feed(number("gd1", "lel_pct", 9));  // dip
  t.advance(5s);
  t.feed(number("gd1", "lel_pct", 15));  // holding again since +25 s
  t.advance(15s);
  EXPECT_TRUE(t.tick().empty());  // +40 s: 50 s after the first, but only 15 s continuous
  t.advance(14s);
  EXPECT_TRUE(t.tick().empty());
  t.advance(1s);
  EXPECT_EQ(count(t.tick(), kind::raised), 1u);  // +55 s = 30 s after the dip ended
  EXPECT_EQ(t.all.size(), 1u);
}

TEST(rules_threshold, severity_rises_and_falls_within_one_alert) {
  rig t({threshold_rule("gas", "lel_pct", comparison::above,
                        {at(severity::yellow, 10, 8), at(severity::red, 25, 20)})},
        {device("gd1")});
  const std::vector<std::pair<double, std::optional<kind>>> script = {
      {12, kind::raised},   // yellow
      {14, std::nullopt},   // still yellow: no event
      {26, kind::updated},  // red
      {22, std::nullopt},   // red by hysteresis (clears at <= 20)
      {19, kind::updated},  // yellow again
      {9, std::nullopt},    // yellow by hysteresis (clears at <= 8)
      {7, kind::cleared},
  };
  std::string id;
  for (const auto& [v, expected] : script) {
    t.advance(1s);
    const auto es = t.feed(number("gd1", "lel_pct", v));
    if (!expected) {
      EXPECT_TRUE(es.empty()) << "value " << v;
      continue;
    }
    ASSERT_EQ(es.size(), 1u) << "value " << v;
    EXPECT_EQ(es[0].what, *expected) << "value " << v;
    if (id.empty()) id = es[0].current.id;
    EXPECT_EQ(es[0].current.id, id);
  }
  ASSERT_EQ(t.all.size(), 4u);
  EXPECT_EQ(t.all[0].current.severity, severity::yellow);
  EXPECT_EQ(t.all[0].current.threshold, 10.0);
  EXPECT_EQ(t.all[1].current.severity, severity::red);
  EXPECT_EQ(t.all[1].current.threshold, 25.0);
  EXPECT_EQ(std::get<double>(t.all[1].current.value), 26);
  EXPECT_EQ(t.all[1].current.updated_at, monday_10h_shanghai + 3s);
  EXPECT_EQ(t.all[1].current.raised_at, monday_10h_shanghai + 1s);
  EXPECT_EQ(t.all[2].current.severity, severity::yellow);
  EXPECT_EQ(std::get<double>(t.all[2].current.value), 19);
}

TEST(rules_threshold, jumping_straight_to_the_top_level_raises_at_that_level) {
  rig t({threshold_rule("gas", "lel_pct", comparison::above,
                        {at(severity::yellow, 10), at(severity::red, 25)})},
        {device("gd1")});
  auto es = t.feed(number("gd1", "lel_pct", 40));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.severity, severity::red);
  es = t.feed(number("gd1", "lel_pct", 0));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].what, kind::cleared);
}

TEST(rules_threshold, each_subject_has_its_own_alert) {
  rig t({gas_high()}, {device("gd1")});
  EXPECT_EQ(t.feed(number("gd1", "lel_pct", 12, "ch1"))[0].current.id, "gas_high/gd1/ch1#1");
  EXPECT_EQ(t.feed(number("gd1", "lel_pct", 12, "ch2"))[0].current.id, "gas_high/gd1/ch2#2");
  EXPECT_EQ(t.engine.active_alerts().size(), 2u);
  auto es = t.feed(number("gd1", "lel_pct", 1, "ch1"));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.subject, "ch1");
  ASSERT_EQ(t.engine.active_alerts().size(), 1u);
  EXPECT_EQ(t.engine.active_alerts()[0].subject, "ch2");
}

TEST(rules_threshold, not_finite_values_are_ignored) {
  rig t({gas_high()}, {device("gd1")});
  t.feed(number("gd1", "lel_pct", 12));
  EXPECT_TRUE(t.feed(number("gd1", "lel_pct", std::nan(""))).empty());
  EXPECT_EQ(t.engine.active_alerts().size(), 1u);
}

}  // namespace
}  // namespace campus::rules::test
