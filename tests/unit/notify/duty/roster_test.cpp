#include "notify/duty/roster.hpp"

#include <gtest/gtest.h>

#include "duty_builders.hpp"

namespace campus::notify::duty {
namespace {

using namespace testing;
using strings = std::vector<std::string>;

duty_plan school_plan() {
  duty_plan p;
  p.site_time_zones["xh"] = "Asia/Shanghai";
  p.people = {someone("day", {"duty_leader"}, {"xh"}), someone("fri-night", {"duty_leader"}, {"xh"}),
              someone("sat-night", {"duty_leader"}, {"xh"}),
              someone("safety", {"safety_director"}, {"xh"}),
              someone("li", {"duty_leader"}, {"xh"}), someone("extra", {"duty_leader"}, {"xh"}),
              someone("bureau", {"bureau_duty_officer"}, {})};
  p.shifts = {shift("xh", "duty_leader", "day", {1, 2, 3, 4, 5}, minute(8), minute(18)),
              shift("xh", "duty_leader", "fri-night", {5}, minute(18), minute(8)),
              shift("xh", "duty_leader", "sat-night", {6}, minute(18), minute(8)),
              shift("xh", "safety_director", "safety", {1, 2, 3, 4, 5, 6, 7}, 0, minute(24)),
              shift("", "bureau_duty_officer", "bureau", {1, 2, 3, 4, 5, 6, 7}, 0, minute(24))};
  return p;
}

TEST(roster, friday_night_shift_covers_saturday_early_hours_and_the_saturday_shift_does_not) {
  const roster r(school_plan());
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-11-21 03:00"))),
            strings{"fri-night"});
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-11-20 18:00"))),
            strings{"fri-night"});
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-11-20 17:59"))),
            strings{"day"});
  // Saturday 08:00 is the end of the Friday night shift, and nobody holds Saturday daytime.
  EXPECT_TRUE(r.on_duty("xh", "duty_leader", shanghai("2026-11-21 08:00")).empty());
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-11-21 19:00"))),
            strings{"sat-night"});
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-11-22 07:59"))),
            strings{"sat-night"});
  // Thursday night has no night shift: Thursday's 03:00 is not Friday's shift either.
  EXPECT_TRUE(r.on_duty("xh", "duty_leader", shanghai("2026-11-20 03:00")).empty());
}

TEST(roster, replace_override_wins_over_weekly_shifts_for_its_role_and_dates_only) {
  duty_plan p = school_plan();
  p.overrides.push_back({"xh", "duty_leader", "li", day(2026, 10, 1), day(2026, 10, 3), {}, {},
                         duty_override::kind::replace});
  const roster r(std::move(p));
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-10-01 00:00"))),
            strings{"li"});
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-10-02 10:00"))),
            strings{"li"});  // a Friday: "day" would hold it without the override
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-10-03 23:59"))),
            strings{"li"});
  // The day after the range: Saturday night shift again (started Saturday 3rd at 18:00).
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-10-04 00:30"))),
            strings{"sat-night"});
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-09-30 10:00"))),
            strings{"day"});
  EXPECT_EQ(ids_of(r.on_duty("xh", "safety_director", shanghai("2026-10-02 10:00"))),
            strings{"safety"});
}

TEST(roster, override_window_wraps_midnight_and_add_override_joins_the_weekly_person) {
  duty_plan p = school_plan();
  // A swap of Wednesday night 18 November (no weekly night shift on Wednesdays here).
  p.overrides.push_back({"xh", "duty_leader", "li", day(2026, 11, 18), day(2026, 11, 18),
                         minute(18), minute(8), duty_override::kind::replace});
  p.overrides.push_back({"xh", "duty_leader", "extra", day(2026, 11, 19), day(2026, 11, 19),
                         minute(9), minute(12), duty_override::kind::add});
  const roster r(std::move(p));
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-11-19 03:00"))),
            strings{"li"});
  EXPECT_TRUE(r.on_duty("xh", "duty_leader", shanghai("2026-11-18 03:00")).empty());
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-11-18 12:00"))),
            strings{"day"});
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-11-19 10:00"))),
            (strings{"day", "extra"}));
  EXPECT_EQ(ids_of(r.on_duty("xh", "duty_leader", shanghai("2026-11-19 12:00"))),
            strings{"day"});
}

TEST(roster, bureau_shifts_count_for_every_site_and_all_roles_are_listed_in_order) {
  const roster r(school_plan());
  EXPECT_EQ(ids_of(r.on_duty("another-school", "bureau_duty_officer",
                             shanghai("2026-11-21 03:00"))),
            strings{"bureau"});
  const auto all = r.on_duty("xh", shanghai("2026-11-21 03:00"));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].role, "duty_leader");
  EXPECT_EQ(all[0].who.id, "fri-night");
  EXPECT_EQ(all[1].role, "safety_director");
  EXPECT_EQ(all[2].role, "bureau_duty_officer");
  EXPECT_TRUE(all[2].who.is_bureau());
}

TEST(roster, follows_the_sites_wall_clock_across_a_dst_change) {
  // Berlin moves from CET (+1) to CEST (+2) at 02:00 on Sunday 29 March 2026.
  duty_plan p;
  p.site_time_zones["berlin"] = "Europe/Berlin";
  p.people = {someone("sat-night", {"duty_leader"}, {"berlin"})};
  p.shifts = {shift("berlin", "duty_leader", "sat-night", {6}, minute(18), minute(8))};
  const roster r(std::move(p));
  const auto utc = [](const char* t) { return wall("UTC", t); };
  EXPECT_TRUE(r.on_duty("berlin", "duty_leader", utc("2026-03-28 16:30")).empty());  // 17:30 CET
  EXPECT_EQ(r.on_duty("berlin", "duty_leader", utc("2026-03-28 17:30")).size(), 1u);  // 18:30
  EXPECT_EQ(r.on_duty("berlin", "duty_leader", utc("2026-03-29 05:30")).size(), 1u);  // 07:30 CEST
  // 06:30 UTC is 08:30 CEST: the shift is over, though it would be 07:30 at the winter offset.
  EXPECT_TRUE(r.on_duty("berlin", "duty_leader", utc("2026-03-29 06:30")).empty());
  // Shanghai keeps +8 all year: 08:00 local is 00:00 UTC.
  const roster s(school_plan());
  EXPECT_EQ(ids_of(s.on_duty("xh", "duty_leader", utc("2026-11-21 23:59"))),
            strings{"sat-night"});
  EXPECT_TRUE(s.on_duty("xh", "duty_leader", utc("2026-11-22 00:00")).empty());
}

}  // namespace
}  // namespace campus::notify::duty
