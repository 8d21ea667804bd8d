#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "minimal_district.hpp"

namespace campus::config {
namespace {

using test::minimal_district;
using test::with;



// The first error whose setting is `setting`, as "line: message"; empty when none.
std::string error_at(const load_result& r, const std::string& setting) {
  if (r) return {};
  for (const auto& e : r.error())
    if (e.setting == setting) return std::to_string(e.line) + ": " + e.message;
  return {};
}

TEST(compliance_config, sample_district_requires_every_zone_type_of_the_contract) {
  auto d = load_file(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  ASSERT_TRUE(d) << d.error().front().to_string();
  EXPECT_DOUBLE_EQ(d->compliance.target_pct, 90.0);
  EXPECT_EQ(d->compliance.reporting_window, std::chrono::minutes(15));
  const auto& req = d->compliance.required;
  ASSERT_EQ(req.size(), 7u);
  EXPECT_EQ(req.at("canteen_kitchen"), (std::vector<std::string>{"gas_detector", "kitchen_camera"}));
  EXPECT_EQ(req.at("boiler_room"), (std::vector<std::string>{"gas_detector", "alarm_input"}));
  EXPECT_EQ(req.at("water_zone"), (std::vector<std::string>{"water_beacon"}));
}

TEST(compliance_config, without_the_section_defaults_apply_and_nothing_is_required) {
  auto d = load_string(minimal_district, "c.yaml");
  ASSERT_TRUE(d) << d.error().front().to_string();
  EXPECT_DOUBLE_EQ(d->compliance.target_pct, 90.0);
  EXPECT_EQ(d->compliance.reporting_window, std::chrono::minutes(15));
  EXPECT_TRUE(d->compliance.required.empty());
}

TEST(compliance_config, target_reads_with_or_without_percent_sign) {
  auto a = load_string(with("compliance: {target: 85%, reporting_window: 1m}\n"), "c.yaml");
  ASSERT_TRUE(a) << a.error().front().to_string();
  EXPECT_DOUBLE_EQ(a->compliance.target_pct, 85.0);
  EXPECT_EQ(a->compliance.reporting_window, std::chrono::minutes(1));
  auto b = load_string(with("compliance: {target: 100}\n"), "c.yaml");
  ASSERT_TRUE(b) << b.error().front().to_string();
  EXPECT_DOUBLE_EQ(b->compliance.target_pct, 100.0);
}

TEST(compliance_config, each_mistake_is_named_with_its_line_and_setting) {
  // The minimal district has 8 lines; the section starts on line 9.
  auto r = load_string(with("compliance:\n"
                            "  target: 0.9\n"                       // 10
                            "  reporting_window: 30s\n"             // 11
                            "  required:\n"                         // 12
                            "    canteen_kitchn: [gas_detector]\n"  // 13
                            "    lab: [hazmat_cabinet, gas_detectr]\n"  // 14
                            "    gate: alarm_input\n"               // 15
                            "  targt: 90%\n"),                      // 16
                       "c.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(error_at(r, "compliance.target"), "10: must be from 1% to 100%, got \"0.9\"");
  EXPECT_EQ(error_at(r, "compliance.reporting_window"), "11: must be at least 1m");
  EXPECT_TRUE(error_at(r, "compliance.required.canteen_kitchn").starts_with("13: unknown zone type \"canteen_kitchn\""))
      << error_at(r, "compliance.required.canteen_kitchn");
  EXPECT_TRUE(error_at(r, "compliance.required.lab[1]").starts_with("14: unknown device family \"gas_detectr\""))
      << error_at(r, "compliance.required.lab[1]");
  EXPECT_TRUE(error_at(r, "compliance.required.gate").starts_with("15: must be a list"));
  EXPECT_TRUE(error_at(r, "compliance.targt").starts_with("16: unknown setting"));
}

TEST(compliance_config, target_above_100_or_not_a_number_is_refused) {
  auto high = load_string(with("compliance: {target: 101%}\n"), "c.yaml");
  EXPECT_EQ(error_at(high, "compliance.target"), "9: must be from 1% to 100%, got \"101%\"");
  auto word = load_string(with("compliance: {target: most}\n"), "c.yaml");
  EXPECT_EQ(error_at(word, "compliance.target"),
            "9: must be a percentage such as 90%, got \"most\"");
  auto scalar = load_string(with("compliance: yes\n"), "c.yaml");
  EXPECT_TRUE(error_at(scalar, "compliance").starts_with("9: must be a mapping"));
}

}  // namespace
}  // namespace campus::config
