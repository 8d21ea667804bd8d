#include "notify/duty/duty_config.hpp"

#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "duty_builders.hpp"
#include "notify/duty/roster.hpp"

namespace campus::notify::duty {
namespace {

using namespace testing;
using strings = std::vector<std::string>;

config::district two_schools() {
  config::district d;
  d.id = "test";
  d.sites.push_back({"xh-primary", "星火小学", "Xinghuo", "Asia/Shanghai", {}});
  d.sites.push_back({"berlin-school", "", "Berlin", "Europe/Berlin", {}});
  return d;
}

const char* valid = R"(duty:
  people:
    - {id: p-zhang, name: 张伟, phone: "+8613800000001", roles: [duty_leader], sites: [xh-primary]}
    - {id: p-li, name: 李娜, phone: "+8613800000002", roles: [duty_leader, principal], sites: [xh-primary]}
    - {id: b-wang, name: 王军, phone: "+8613800000003", roles: [bureau_duty_officer]}
  shifts:
    - {site: xh-primary, role: duty_leader, person: p-zhang, days: [1,2,3,4,5], from: "08:00", to: "18:00"}
    - {site: xh-primary, role: duty_leader, person: p-li, days: [5], from: "18:00", to: "08:00"}
    - {role: bureau_duty_officer, person: b-wang, days: [1,2,3,4,5,6,7], from: "00:00", to: "24:00"}
  overrides:
    - {site: xh-primary, role: duty_leader, person: p-li, date: "2026-10-01", to_date: "2026-10-07"}
  escalation:
    red:    [{after: 0s, roles: [duty_leader, bureau_duty_officer], channels: [sms, dashboard]}, {after: 5m, roles: [principal], channels: [sms]}]
    orange: [{after: 0s, roles: [bureau_duty_officer, duty_leader], channels: [sms]}]
    yellow: [{after: 0s, roles: [duty_leader], channels: [dashboard]}, {after: 30m, roles: [duty_leader], channels: [sms]}]
    blue:   [{after: 0s, roles: [], channels: [dashboard]}]
)";

TEST(duty_config, reads_people_shifts_overrides_and_policy) {
  const auto d = two_schools();
  auto got = load_duty_string(valid, d, "duty.yaml");
  ASSERT_TRUE(got.has_value()) << got.error().front().to_string();
  EXPECT_EQ(got->plan.people.size(), 3u);
  EXPECT_EQ(got->plan.site_time_zones.at("berlin-school"), "Europe/Berlin");
  ASSERT_EQ(got->plan.overrides.size(), 1u);
  EXPECT_EQ(got->plan.overrides[0].last - got->plan.overrides[0].first, date::days{6});
  const auto& red = got->escalation.for_severity(core::severity::red);
  ASSERT_EQ(red.size(), 2u);
  EXPECT_EQ(red[1].after, std::chrono::minutes{5});
  EXPECT_EQ(red[1].roles, strings{"principal"});
  EXPECT_EQ(red[1].channels, std::vector<channel>{channel::sms});

  const roster r(std::move(got->plan));
  EXPECT_EQ(ids_of(r.on_duty("xh-primary", "duty_leader", shanghai("2026-11-21 03:00"))),
            strings{"p-li"});
  EXPECT_EQ(ids_of(r.on_duty("xh-primary", "duty_leader", shanghai("2026-10-05 10:00"))),
            strings{"p-li"});
  EXPECT_EQ(ids_of(r.on_duty("xh-primary", "bureau_duty_officer", shanghai("2026-10-05 10:00"))),
            strings{"b-wang"});
}

struct expected_error {
  int line;
  std::string setting;
  std::string message_part;
};

void expect_errors(const std::string& yaml, const std::vector<expected_error>& want) {
  const auto d = two_schools();
  auto got = load_duty_string(yaml, d, "duty.yaml");
  ASSERT_FALSE(got.has_value());
  std::string all;
  for (const auto& e : got.error()) all += e.to_string() + "\n";
  for (const auto& w : want) {
    bool found = false;
    for (const auto& e : got.error())
      found = found || (e.file == "duty.yaml" && e.line == w.line && e.setting == w.setting &&
                        e.message.find(w.message_part) != std::string::npos);
    EXPECT_TRUE(found) << "missing " << w.line << " " << w.setting << " \"" << w.message_part
                       << "\" in:\n" << all;
  }
  EXPECT_EQ(got.error().size(), want.size()) << all;
}

TEST(duty_config, names_each_bad_person_and_assignment_with_its_line) {
  expect_errors(R"(duty:
  people:
    - {id: p-zhang, name: 张伟, phone: "13800000001", roles: [duty_leader], sites: [xh-primary]}
    - {id: p-li, name: 李娜, phone: "+8613800000002", roles: [janitor], sites: [nowhere]}
    - {id: b-wang, name: 王军, phone: "+8613800000003", roles: [bureau_duty_officer]}
  shifts:
    - {site: xh-primary, role: duty_leader, person: p-nobody, days: [1], from: "08:00", to: "18:00"}
    - {site: xh-primary, role: safety_director, person: p-zhang, days: [1], from: "08:00", to: "18:00"}
    - {site: elsewhere, role: duty_leader, person: p-zhang, days: [8], from: "08:00", to: "18:00"}
    - {site: xh-primary, role: bureau_duty_officer, person: b-wang, days: [1], from: "08:00", to: "18:00"}
  overrides:
    - {site: xh-primary, role: duty_leader, person: p-zhang, date: "2026-02-30"}
)",
                {{3, "duty.people[0].phone", "E.164"},
                 {4, "duty.people[1].roles[0]", "unknown role \"janitor\""},
                 {4, "duty.people[1].sites[0]", "unknown site \"nowhere\""},
                 {7, "duty.shifts[0].person", "unknown person \"p-nobody\""},
                 {8, "duty.shifts[1].person", "does not hold role safety_director"},
                 {9, "duty.shifts[2].site", "unknown site \"elsewhere\""},
                 {9, "duty.shifts[2].person", "does not belong to site elsewhere"},
                 {9, "duty.shifts[2].days[0]", "ISO weekday"},
                 {10, "duty.shifts[3].site", "district-wide"},
                 {12, "duty.overrides[0].date", "YYYY-MM-DD"}});
}

TEST(duty_config, overlapping_shifts_of_one_role_at_one_site_are_an_error) {
  expect_errors(R"(duty:
  people:
    - {id: a, name: A, phone: "+8613800000001", roles: [duty_leader, safety_director], sites: [xh-primary]}
    - {id: b, name: B, phone: "+8613800000002", roles: [duty_leader], sites: [xh-primary]}
  shifts:
    - {site: xh-primary, role: duty_leader, person: a, days: [5], from: "18:00", to: "08:00"}
    - {site: xh-primary, role: safety_director, person: a, days: [6], from: "07:00", to: "09:00"}
    - {site: xh-primary, role: duty_leader, person: b, days: [6], from: "07:30", to: "12:00"}
    - {site: xh-primary, role: duty_leader, person: b, days: [1], from: "08:00", to: "18:00"}
)",
                {{8, "duty.shifts[2]", "overlaps duty.shifts[0]"}});
}

TEST(duty_config, escalation_steps_must_increase_and_orange_red_reach_the_bureau_at_once) {
  expect_errors(R"(duty:
  escalation:
    red:
      - {after: 0s, roles: [duty_leader], channels: [sms]}
      - {after: 5m, roles: [principal, bureau_duty_officer], channels: [sms]}
    orange:
      - {after: 1m, roles: [bureau_duty_officer], channels: [sms]}
    yellow:
      - {after: 30m, roles: [duty_leader], channels: [dashboard]}
      - {after: 10m, roles: [duty_leader], channels: [pager]}
    blue: [{after: 0s, roles: [], channels: [dashboard]}]
)",
                {{4, "duty.escalation.red[0]", "orange and red must reach bureau_duty_officer at once"},
                 {7, "duty.escalation.orange[0]",
                  "orange and red must reach bureau_duty_officer at once"},
                 {10, "duty.escalation.yellow[1].after", "increasing delay"},
                 {10, "duty.escalation.yellow[1].channels[0]", "unknown channel \"pager\""}});
}

// One mistake, one error: a misspelt key is named with what was probably meant, and the key it
// stands for is not reported missing as well; a key written twice names both lines.
TEST(duty_config, a_misspelt_or_repeated_key_is_one_error_naming_it) {
  expect_errors(R"(duty:
  people:
    - {id: p-zhang, name: 张伟, phone: "+8613800000001", rolse: [duty_leader], sites: [xh-primary]}
  shifts:
    - {site: xh-primary, role: duty_leader, person: p-zhang, day: [1], from: "08:00", to: "18:00"}
  escalation:
    red:    [{after: 0s, roles: [bureau_duty_officer], channels: [sms]}]
    orange: [{after: 0s, roles: [bureau_duty_officer], chanels: [sms]}]
    yelow:  [{after: 0s, roles: [duty_leader], channels: [dashboard]}]
    blue:   [{after: 0s, roles: [], channels: [dashboard]}]
    red:    [{after: 0s, roles: [duty_leader], channels: [sms]}]
)",
                {{3, "duty.people[0].rolse", "did you mean `roles`?"},
                 {5, "duty.shifts[0].day", "did you mean `days`?"},
                 {8, "duty.escalation.orange[0].chanels", "did you mean `channels`?"},
                 {9, "duty.escalation.yelow", "did you mean `yellow`?"},
                 {11, "duty.escalation.red", "duplicate key `red` at line 11 (first at line 7)"}});
}

TEST(duty_config, yaml_syntax_error_is_reported_with_its_line) {
  const auto d = two_schools();
  auto got = load_duty_string("duty:\n  people: [\n", d, "duty.yaml");
  ASSERT_FALSE(got.has_value());
  EXPECT_NE(got.error().front().message.find("YAML syntax"), std::string::npos);
  EXPECT_GT(got.error().front().line, 0);
}

// The sample roster for the three sample schools loads against the sample district and keeps
// exactly one duty leader on duty at every school for every hour of a week.
TEST(duty_config, sample_roster_covers_every_hour_of_the_week_at_every_school) {
  auto district = config::load_file(CAMPUS_SOURCE_DIR "/config/district.yaml");
  ASSERT_TRUE(district.has_value()) << district.error().front().to_string();
  auto got = load_duty_file(CAMPUS_SOURCE_DIR "/config/district.yaml", *district);
  ASSERT_TRUE(got.has_value()) << got.error().front().to_string();
  const roster r(std::move(got->plan));
  const auto monday = shanghai("2026-11-16 00:30");
  for (const auto& site : district->sites) {
    for (int h = 0; h < 7 * 24; ++h) {
      const auto t = monday + std::chrono::hours{h};
      EXPECT_EQ(r.on_duty(site.id, "duty_leader", t).size(), 1u) << site.id << " +" << h << "h";
      EXPECT_EQ(r.on_duty(site.id, "bureau_duty_officer", t).size(), 1u) << "+" << h << "h";
    }
  }
  EXPECT_EQ(ids_of(r.on_duty("xh-primary", "duty_leader", shanghai("2026-11-21 03:00"))),
            strings{"xh-leader-weekend"});
  EXPECT_EQ(ids_of(r.on_duty("bh-middle", "duty_leader", shanghai("2026-10-03 03:00"))),
            strings{"bh-principal"});
  EXPECT_EQ(ids_of(r.on_duty("qs-nine-year", "bureau_duty_officer", shanghai("2026-11-21 03:00"))),
            strings{"bureau-night"});
}

}  // namespace
}  // namespace campus::notify::duty
