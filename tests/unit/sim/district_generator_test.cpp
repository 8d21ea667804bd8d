// The generated district: written, then loaded with the server's own loader; the asked number of
// devices over ≥ 700 schools at 10,000 devices, ids unique, the sample's rules kept, and the
// absence period and data_dir set when asked.
#include "sim/district_generator.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "rules/rule.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path sample = CAMPUS_SOURCE_DIR "/config/district.yaml";

class district_generator_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("campus-generator-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  config::district generate(const district_settings& s) {
    auto g = generate_district_yaml(sample, s);
    if (!g) {
      ADD_FAILURE() << g.error();
      return {};
    }
    generated_ = *g;
    auto d = write_and_load(dir_ / "district.yaml", g->yaml);
    if (!d) {
      ADD_FAILURE() << d.error();
      return {};
    }
    return std::move(*d);
  }

  std::filesystem::path dir_;
  generated_district generated_;
};

district_settings of(int devices) {
  district_settings s;
  s.devices = devices;
  return s;
}

TEST_F(district_generator_test, ten_thousand_devices_fill_over_seven_hundred_schools) {
  const auto d = generate(of(10'000));
  EXPECT_EQ(d.devices.size(), 10'000u);
  EXPECT_EQ(generated_.devices.size(), 10'000u);
  EXPECT_EQ(d.sites.size(), 770u);  // 769 schools of 13 and one of 3
  EXPECT_GE(d.sites.size(), 700u);
  EXPECT_EQ(generated_.schools, static_cast<int>(d.sites.size()));
  EXPECT_EQ(schools_for(10'000), 770);

  std::set<std::string> device_ids, site_ids;
  for (const auto& dev : d.devices) {
    EXPECT_TRUE(device_ids.insert(dev.id).second) << "device id twice: " << dev.id;
    EXPECT_NE(d.find_site(dev.site), nullptr) << dev.id << " names an unknown school";
  }
  for (const auto& s : d.sites) EXPECT_TRUE(site_ids.insert(s.id).second) << "site twice: " << s.id;
  // Every generated id is a device the server knows.
  for (const auto& id : generated_.devices) EXPECT_EQ(device_ids.count(id), 1u) << id;
}

TEST_F(district_generator_test, a_full_school_has_the_sample_schools_mix) {
  const auto d = generate(of(2 * devices_per_school));
  ASSERT_EQ(d.sites.size(), 2u);
  std::map<std::string, int> families;
  for (const auto& dev : d.devices) {
    if (dev.site == d.sites[0].id) ++families[dev.family];
  }
  const std::map<std::string, int> expected{{"gas_detector", 3},   {"kitchen_camera", 2},
                                            {"json_map", 1},       {"hazmat_cabinet", 3},
                                            {"water_beacon", 1},   {"alarm_input", 3}};
  EXPECT_EQ(families, expected);
  EXPECT_EQ(d.sites[0].zones.size(), 6u);
  // Names a person reads, in both languages: never the id's English suffix on a Chinese screen.
  const auto has_chinese = [](const std::string& t) {
    return std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  };
  for (const auto& dev : d.devices) {
    EXPECT_TRUE(has_chinese(dev.name)) << dev.id << ": " << dev.name;
    EXPECT_FALSE(dev.name_en.empty()) << dev.id;
    EXPECT_FALSE(has_chinese(dev.name_en)) << dev.id << ": " << dev.name_en;
  }
  for (const auto& z : d.sites[1].zones) {
    EXPECT_TRUE(has_chinese(z.name)) << z.id;
    EXPECT_FALSE(z.name_en.empty()) << z.id;
  }
}

TEST_F(district_generator_test, keeps_the_sample_rules_and_names_the_generated_gates) {
  const auto d = generate(of(3 * devices_per_school));
  ASSERT_FALSE(d.rules.empty());
  const auto one_key = std::find_if(d.rules.begin(), d.rules.end(),
                                    [](const auto& r) { return r.id == "one-key-alarm"; });
  ASSERT_NE(one_key, d.rules.end());
  EXPECT_EQ(one_key->devices,
            (std::vector<std::string>{"s00000-gate-alarm-1", "s00001-gate-alarm-1",
                                      "s00002-gate-alarm-1"}));
}

TEST_F(district_generator_test, absence_period_replaces_every_absence_rules_period) {
  auto s = of(devices_per_school);
  s.absence_period = 20s;
  const auto d = generate(s);
  int absence_rules = 0;
  for (const auto& r : d.rules) {
    if (r.kind != rules::rule_kind::absence) continue;
    ++absence_rules;
    EXPECT_EQ(r.period, core::duration{20'000}) << r.id;
  }
  EXPECT_EQ(absence_rules, 2);  // device-offline and camera-offline-kitchen-hours
  // Other rules' periods (the stuck rule's 6h) are untouched.
  for (const auto& r : d.rules) {
    if (r.kind == rules::rule_kind::stuck) {
      EXPECT_EQ(r.period, core::duration{6LL * 3600 * 1000}) << r.id;
    }
  }
}

TEST_F(district_generator_test, data_dir_is_set_when_asked) {
  auto s = of(1);
  s.data_dir = "district-data";
  const auto d = generate(s);
  EXPECT_EQ(d.devices.size(), 1u);
  EXPECT_NE(d.data_dir.find("district-data"), std::string::npos) << d.data_dir;
}

TEST_F(district_generator_test, bad_settings_are_clear_errors) {
  auto none = generate_district_yaml(sample, of(0));
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().find("at least 1 device"), std::string::npos) << none.error();

  auto missing = generate_district_yaml(dir_ / "no-such.yaml", of(10));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("cannot read"), std::string::npos) << missing.error();

  auto s = of(10);
  s.history = "csv";
  auto history = generate_district_yaml(sample, s);
  ASSERT_FALSE(history);
  EXPECT_NE(history.error().find("sqlite or influxdb"), std::string::npos) << history.error();
}

}  // namespace
}  // namespace campus::sim
