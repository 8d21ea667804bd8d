// The mistakes people make in a district file and how they are named: a key written twice in a
// mapping (yaml-cpp would keep the first silently), and a misspelt key (one error saying what
// was probably meant, not a second one saying the meant key is missing).
#include "config/yaml_reader.hpp"

#include <gtest/gtest.h>

#include "minimal_district.hpp"

#include "config/loader.hpp"

namespace campus::config {
namespace {

using test::minimal_district;
using test::with;



std::string all(const std::vector<config_error>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

TEST(duplicate_keys, a_second_port_is_an_error_naming_both_lines) {
  auto d = load_string(with("mqtt:\n  port: 1883\n  host: 10.0.0.5\n  port: 1884\n"), "d.yaml");
  ASSERT_FALSE(d) << "a repeated key was accepted";
  ASSERT_EQ(d.error().size(), 1u) << all(d.error());
  const auto& e = d.error().front();
  EXPECT_EQ(e.line, 12);
  EXPECT_EQ(e.setting, "mqtt.port");
  EXPECT_EQ(e.message, "duplicate key `port` at line 12 (first at line 10)");
  EXPECT_EQ(e.to_string(),
            "d.yaml:12: mqtt.port: duplicate key `port` at line 12 (first at line 10)");
}

TEST(duplicate_keys, are_found_in_every_mapping_at_any_depth) {
  auto d = load_string(
      with("      - {id: gas-2, family: gas_detector, zone: kitchen, zone: kitchen}\n"  // 9
           "rules:\n"                                                                    // 10
           "  - id: r\n"                                                                 // 11
           "    name: n\n"                                                               // 12
           "    kind: threshold\n"                                                       // 13
           "    metric: lel_pct\n"                                                       // 14
           "    op: above\n"                                                             // 15
           "    levels:\n"                                                               // 16
           "      - {severity: red, threshold: 3, threshold: 30}\n"                      // 17
           "    metric: co_ppm\n"                                                        // 18
           "district: {id: e, name: 另一个}\n"),                                         // 19
      "d.yaml");
  ASSERT_FALSE(d);
  const std::string text = all(d.error());
  EXPECT_NE(text.find("d.yaml:9: sites[0].devices[1].zone: duplicate key `zone` at line 9 (first "
                      "at line 9)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("d.yaml:17: rules[0].levels[0].threshold: duplicate key `threshold` at "
                      "line 17 (first at line 17)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("d.yaml:18: rules[0].metric: duplicate key `metric` at line 18 (first at "
                      "line 14)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("d.yaml:19: district: duplicate key `district` at line 19 (first at line "
                      "1)"),
            std::string::npos)
      << text;
}

TEST(duplicate_keys, inside_adapter_options_too) {
  auto d = load_string(
      with("      - id: v-1\n        family: json_map\n        zone: kitchen\n"
           "        options:\n          fields: [{path: t, metric: temp_c}]\n"
           "          fields: []\n"),
      "d.yaml");
  ASSERT_FALSE(d);
  EXPECT_NE(all(d.error()).find(
                "d.yaml:14: sites[0].devices[1].options.fields: duplicate key `fields` at line 14 "
                "(first at line 13)"),
            std::string::npos)
      << all(d.error());
}

TEST(duplicate_keys, the_same_key_in_different_mappings_is_fine) {
  auto d = load_string(with("      - {id: gas-2, family: gas_detector, zone: kitchen}\n"
                            "mqtt: {port: 1883}\nhttp: {port: 8080}\n"),
                       "d.yaml");
  EXPECT_TRUE(d) << all(d.error());
}

TEST(duplicate_keys, an_aliased_mapping_is_reported_once) {
  yaml_reader r("a.yaml");
  auto doc = r.load("base: &b {x: 1, x: 2}\nfirst: *b\nsecond: *b\n");
  ASSERT_TRUE(doc);
  auto errors = r.take_errors();
  ASSERT_EQ(errors.size(), 1u) << all(errors);
  EXPECT_EQ(errors.front().to_string(),
            "a.yaml:1: base.x: duplicate key `x` at line 1 (first at line 1)");
}

TEST(misspelt_keys, thresold_gets_one_error_saying_threshold) {
  auto d = load_string(with("rules:\n  - id: r\n    name: n\n    kind: threshold\n"
                            "    metric: lel_pct\n    op: above\n    levels:\n"
                            "      - severity: red\n        thresold: 25\n        clear: 20\n"),
                       "d.yaml");
  ASSERT_FALSE(d);
  ASSERT_EQ(d.error().size(), 1u) << all(d.error());  // nor is the clear held against 0
  EXPECT_EQ(d.error().front().to_string(),
            "d.yaml:17: rules[0].levels[0].thresold: unknown setting: did you mean `threshold`?");
}

TEST(misspelt_keys, a_missing_key_without_a_near_miss_is_still_required) {
  auto d = load_string(with("rules:\n  - id: r\n    name: n\n    kind: threshold\n"
                            "    metric: lel_pct\n    op: above\n    levels:\n"
                            "      - severity: red\n        weight: 25\n"),
                       "d.yaml");
  ASSERT_FALSE(d);
  const std::string text = all(d.error());
  EXPECT_NE(text.find("rules[0].levels[0].weight: unknown setting (expected one of: severity, "
                      "threshold, clear, low, high, state)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("rules[0].levels[0].threshold: is required"), std::string::npos) << text;
}

TEST(misspelt_keys, sections_and_lists_are_suggested_too) {
  auto d = load_string("distrct: {id: d, name: 区}\n"
                       "site:\n  - {id: s1, name: x, zones: [{id: k, type: gate, name: k}]}\n"
                       "mqtt: {hots: 10.0.0.5, keepalvie: 30s}\n",
                       "d.yaml");
  ASSERT_FALSE(d);
  const std::string text = all(d.error());
  EXPECT_EQ(text,
            "d.yaml:1: distrct: unknown setting: did you mean `district`?\n"
            "d.yaml:2: site: unknown setting: did you mean `sites`?\n"
            "d.yaml:4: mqtt.hots: unknown setting: did you mean `host`?\n"
            "d.yaml:4: mqtt.keepalvie: unknown setting: did you mean `keepalive`?\n");
}

TEST(misspelt_keys, no_suggestion_when_the_close_key_is_already_there) {
  auto d = load_string(with("mqtt: {port: 1883, prot: 1884}\n"), "d.yaml");
  ASSERT_FALSE(d);
  ASSERT_EQ(d.error().size(), 1u) << all(d.error());
  EXPECT_NE(d.error().front().message.find("unknown setting (expected one of: host, port"),
            std::string::npos)
      << all(d.error());
}

TEST(misspelt_keys, a_distant_key_is_not_taken_for_a_short_one) {
  auto d = load_string(with("district_code: 3\n"), "d.yaml");
  ASSERT_FALSE(d);
  ASSERT_EQ(d.error().size(), 1u) << all(d.error());
  EXPECT_NE(d.error().front().message.find("expected one of"), std::string::npos)
      << all(d.error());
}

}  // namespace
}  // namespace campus::config
