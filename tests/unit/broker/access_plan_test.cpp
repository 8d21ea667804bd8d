#include "broker/access_plan.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <vector>

#include "config/loader.hpp"

namespace campus::broker {
namespace {

constexpr const char* two_schools = R"(district: {id: d, name: 区}
sites:
  - id: s1
    name: 学校一
    zones:
      - {id: kitchen, type: canteen_kitchen, name: 后厨}
      - {id: lab, type: lab, name: 实验室}
    devices:
      - {id: gas-1, family: gas_detector, zone: kitchen}
      - {id: gas-2, family: gas_detector, zone: lab}
  - id: s2
    name: 学校二
    zones:
      - {id: kitchen, type: canteen_kitchen, name: 后厨}
    devices:
      - {id: gas-3, family: gas_detector, zone: kitchen}
)";

config::district load(const std::string& yaml) {
  auto d = config::load_string(yaml);
  EXPECT_TRUE(d) << (d ? "" : d.error().front().to_string());
  return d ? std::move(*d) : config::district{};
}

// The ACL file parsed back: user → its "access topic" lines, in order.
std::map<std::string, std::vector<std::string>> parse_acl(const std::string& text) {
  std::map<std::string, std::vector<std::string>> users;
  std::istringstream in(text);
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.starts_with("user ")) {
      current = line.substr(5);
      EXPECT_FALSE(users.contains(current)) << "two blocks for " << current;
      users[current];
    } else if (line.starts_with("topic ")) {
      EXPECT_FALSE(current.empty()) << "a topic line outside any user block: " << line;
      users[current].push_back(line.substr(6));
    } else {
      ADD_FAILURE() << "unexpected ACL line: " << line;
    }
  }
  return users;
}

TEST(access_plan, each_device_may_write_exactly_its_own_topic_and_nothing_else) {
  auto plan = access_plan::from(load(two_schools));
  ASSERT_TRUE(plan) << plan.error();
  auto acl = parse_acl(plan->acl_text("test.yaml"));
  using lines = std::vector<std::string>;
  EXPECT_EQ(acl["gas-1"], (lines{"write campus/s1/kitchen/gas-1/#"}));
  EXPECT_EQ(acl["gas-2"], (lines{"write campus/s1/lab/gas-2/#"}));
  EXPECT_EQ(acl["gas-3"], (lines{"write campus/s2/kitchen/gas-3/#"}));
  EXPECT_EQ(acl["campus-shield"], (lines{"read campus/#"}));
  EXPECT_EQ(acl["campus-sim"], (lines{"write campus/#", "readwrite campus-sim/control/#"}));
  EXPECT_EQ(acl.size(), 5u);  // no pattern lines, no anonymous block
}

TEST(access_plan, accounts_come_server_first_then_simulator_then_devices) {
  auto plan = access_plan::from(load(two_schools));
  ASSERT_TRUE(plan) << plan.error();
  std::vector<std::string> names;
  for (const auto& a : plan->accounts()) names.push_back(a.username);
  EXPECT_EQ(names, (std::vector<std::string>{"campus-shield", "campus-sim", "gas-1", "gas-2",
                                             "gas-3"}));
  EXPECT_EQ(plan->find("gas-2")->role, account_role::device);
  EXPECT_EQ(plan->find("nobody"), nullptr);
}

TEST(access_plan, without_the_simulator_nobody_may_write_for_every_device) {
  auto plan = access_plan::from(load(two_schools), {.simulator = false});
  ASSERT_TRUE(plan) << plan.error();
  auto acl = parse_acl(plan->acl_text("test.yaml"));
  EXPECT_FALSE(acl.contains("campus-sim"));
  for (const auto& [user, topics] : acl)
    for (const auto& t : topics) EXPECT_NE(t, "write campus/#") << user;
}

TEST(access_plan, server_account_follows_the_configured_username_and_subscription) {
  std::string yaml = std::string(two_schools) +
                     "mqtt: {username: shield-prod, subscription: \"campus/s1/#\"}\n";
  auto plan = access_plan::from(load(yaml));
  ASSERT_TRUE(plan) << plan.error();
  auto acl = parse_acl(plan->acl_text("test.yaml"));
  EXPECT_FALSE(acl.contains("campus-shield"));
  EXPECT_EQ(acl["shield-prod"], (std::vector<std::string>{"read campus/s1/#"}));
}

TEST(access_plan, a_device_named_like_a_service_account_is_refused) {
  std::string yaml = two_schools;
  yaml.replace(yaml.find("gas-3"), 5, "campus-sim");
  auto plan = access_plan::from(load(yaml));
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().find("campus-sim"), std::string::npos) << plan.error();
  // Without the simulator account the name is free.
  EXPECT_TRUE(access_plan::from(load(yaml), {.simulator = false}));

  yaml = two_schools;
  yaml.replace(yaml.find("gas-3"), 5, "campus-shield");
  EXPECT_FALSE(access_plan::from(load(yaml)));
}

TEST(access_plan, names_that_are_not_literal_topic_levels_are_refused) {
  config::district d = load(two_schools);
  d.devices[0].id = "gas+1";  // the loader refuses this too; the plan must not rely on it
  EXPECT_FALSE(access_plan::from(d));
  d = load(two_schools);
  d.mqtt.subscription = "campus/# extra";
  EXPECT_FALSE(access_plan::from(d));
  d = load(two_schools);
  d.mqtt.username = "a:b";
  EXPECT_FALSE(access_plan::from(d));
}

}  // namespace
}  // namespace campus::broker
