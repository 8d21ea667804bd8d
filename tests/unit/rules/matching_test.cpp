#include <gtest/gtest.h>

#include <set>

#include "rule_builders.hpp"

namespace campus::rules::test {
namespace {

std::set<std::string> raised_devices(rig& t, const std::vector<std::string>& devices) {
  std::set<std::string> raised;
  for (const auto& d : devices) {
    for (const auto& e : t.feed(number(d, "lel_pct", 50))) raised.insert(e.current.device);
  }
  return raised;
}

const std::vector<device_profile> district = {
    device("kitchen_gd", "gas_detector", "canteen_kitchen", "s1"),
    device("boiler_gd", "gas_detector", "boiler_room", "s1"),
    device("other_site_gd", "gas_detector", "canteen_kitchen", "s2"),
    device("cabinet", "hazmat_cabinet", "chemical_store", "s1"),
};
const std::vector<std::string> ids = {"kitchen_gd", "boiler_gd", "other_site_gd", "cabinet"};

rule_def gas_rule() {
  return threshold_rule("gas", "lel_pct", comparison::above, {at(severity::red, 10)});
}

TEST(rules_matching, an_empty_list_matches_everything) {
  rig t({gas_rule()}, district);
  EXPECT_EQ(raised_devices(t, ids).size(), 4u);
}

TEST(rules_matching, by_family) {
  rule_def r = gas_rule();
  r.families = {"gas_detector"};
  rig t({r}, district);
  EXPECT_EQ(raised_devices(t, ids),
            (std::set<std::string>{"kitchen_gd", "boiler_gd", "other_site_gd"}));
}

TEST(rules_matching, by_zone_type) {
  rule_def r = gas_rule();
  r.zone_types = {"boiler_room", "chemical_store"};
  rig t({r}, district);
  EXPECT_EQ(raised_devices(t, ids), (std::set<std::string>{"boiler_gd", "cabinet"}));
}

TEST(rules_matching, by_site) {
  rule_def r = gas_rule();
  r.sites = {"s2"};
  rig t({r}, district);
  EXPECT_EQ(raised_devices(t, ids), (std::set<std::string>{"other_site_gd"}));
}

TEST(rules_matching, by_device) {
  rule_def r = gas_rule();
  r.devices = {"boiler_gd"};
  rig t({r}, district);
  EXPECT_EQ(raised_devices(t, ids), (std::set<std::string>{"boiler_gd"}));
}

TEST(rules_matching, every_non_empty_list_must_match) {
  rule_def r = gas_rule();
  r.families = {"gas_detector"};
  r.zone_types = {"canteen_kitchen"};
  r.sites = {"s1"};
  rig t({r}, district);
  EXPECT_EQ(raised_devices(t, ids), (std::set<std::string>{"kitchen_gd"}));
}

TEST(rules_matching, unknown_devices_and_other_metrics_are_ignored) {
  rig t({gas_rule(), absence_rule("offline", 1min)}, {device("gd1")});
  EXPECT_TRUE(t.feed(number("ghost", "lel_pct", 50)).empty());
  EXPECT_TRUE(t.feed(state("ghost", "status", "offline")).empty());
  EXPECT_TRUE(t.feed(number("gd1", "co_ppm", 500)).empty());
  t.advance(30s);
  t.tick();
  EXPECT_TRUE(t.all.empty());
  t.advance(30s);
  const auto es = t.tick();  // only the known device can be silent
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].current.device, "gd1");
}

TEST(rules_matching, several_rules_on_one_device_raise_separately) {
  rule_def warn = threshold_rule("gas_warn", "lel_pct", comparison::above, {at(severity::yellow, 5)});
  rig t({warn, gas_rule()}, {device("gd1")});
  const auto es = t.feed(number("gd1", "lel_pct", 20));
  ASSERT_EQ(es.size(), 2u);
  EXPECT_EQ(es[0].current.id, "gas_warn/gd1#1");
  EXPECT_EQ(es[1].current.id, "gas/gd1#2");
  const auto active = t.engine.active_alerts();
  ASSERT_EQ(active.size(), 2u);
  EXPECT_EQ(active[0].rule, "gas_warn");
  EXPECT_EQ(active[1].rule, "gas");
}

}  // namespace
}  // namespace campus::rules::test
