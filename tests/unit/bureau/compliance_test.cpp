#include "bureau/compliance.hpp"

#include <gtest/gtest.h>

#include "bureau/daily_compliance.hpp"
#include "bureau/percentile.hpp"
#include "bureau_fixture.hpp"

namespace campus::bureau {
namespace {

using namespace std::chrono_literals;

const core::time_point now = core::from_epoch_ms(1'790'000'000'000);

struct heard {
  std::string device;
  core::time_point at;
  ingest::device_status status = ingest::device_status::online;
};

// live_state::presence() as it would be after hearing from `devices`.
std::vector<ingest::device_presence> presence_of(const config::district& d,
                                                 const std::vector<heard>& devices) {
  std::vector<ingest::device_presence> out(d.devices.size());
  for (const auto& h : devices) {
    for (std::size_t i = 0; i < d.devices.size(); ++i) {
      if (d.devices[i].id == h.device) out[i] = {h.status, h.at, false};
    }
  }
  return out;
}

std::vector<const config::site*> all(const config::district& d) {
  std::vector<const config::site*> out;
  for (const auto& s : d.sites) out.push_back(&s);
  return out;
}

TEST(nearest_rank, follows_the_definition_and_is_none_for_nothing) {
  EXPECT_EQ(nearest_rank({}, 50), std::nullopt);
  EXPECT_EQ(nearest_rank({7}, 90), 7);
  // n = 10: p50 = v[4], p90 = v[8]
  EXPECT_EQ(nearest_rank({10, 1, 9, 2, 8, 3, 7, 4, 6, 5}, 50), 5);
  EXPECT_EQ(nearest_rank({10, 1, 9, 2, 8, 3, 7, 4, 6, 5}, 90), 9);
  // n = 4: p50 = v[1], p90 = v[ceil(3.6) - 1] = v[3]
  EXPECT_EQ(nearest_rank({40, 10, 30, 20}, 50), 20);
  EXPECT_EQ(nearest_rank({40, 10, 30, 20}, 90), 40);
}

TEST(compliance, points_come_from_required_families_and_missing_ones_are_not_installed) {
  const auto d = testing::small_district();
  auto points = compliance_plan(d).points_of(d.sites[0]);
  // kitchen: gas ×2, camera missing; gate: alarm; office (other): nothing required
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[0].device, "a-gas-1");
  EXPECT_EQ(points[1].device, "a-gas-2");
  EXPECT_EQ(points[2].family, "kitchen_camera");
  EXPECT_EQ(points[2].status, point_status::not_installed);
  EXPECT_EQ(points[3].device, "a-alarm-1");
}

TEST(compliance, reporting_needs_a_recent_message_and_not_offline) {
  const auto d = testing::small_district();
  const auto presence = presence_of(
      d, {{"a-gas-1", now - 10min},                                    // at the window's edge: counts
          {"a-gas-2", now - 10min - 1ms},                              // just outside: silent
          {"a-alarm-1", now - 1min, ingest::device_status::offline},  // judged offline: silent
          {"b-alarm-1", now - 1s}});
  auto f = compliance_plan(d).assess(all(d), presence, now);
  ASSERT_EQ(f.schools.size(), 2u);
  const auto& a = f.schools[0];
  EXPECT_EQ(a.required, 4);
  EXPECT_EQ(a.installed, 3);
  EXPECT_EQ(a.reporting, 1);
  EXPECT_DOUBLE_EQ(*a.rate, 25.0);
  EXPECT_TRUE(a.below_target);
  EXPECT_EQ(a.points[0].status, point_status::reporting);
  EXPECT_EQ(a.points[1].status, point_status::silent);
  EXPECT_EQ(a.points[3].status, point_status::silent);
  EXPECT_EQ(a.points[3].last_seen, now - 1min);
  const auto& b = f.schools[1];
  EXPECT_DOUBLE_EQ(*b.rate, 100.0);
  EXPECT_FALSE(b.below_target);
  // district: (1 + 1) / (4 + 1), weighted by points
  EXPECT_EQ(f.district.required, 5);
  EXPECT_EQ(f.district.reporting, 2);
  EXPECT_DOUBLE_EQ(*f.district.rate, 40.0);
  EXPECT_EQ(f.district.schools_meeting_target, 1);
  EXPECT_EQ(f.district.schools, 2);
}

TEST(compliance, nothing_required_gives_no_rate) {
  auto d = testing::small_district();
  d.compliance.required.clear();
  auto f = compliance_plan(d).assess(all(d), {}, now);
  EXPECT_FALSE(f.schools[0].rate);
  EXPECT_FALSE(f.schools[0].below_target);
  EXPECT_FALSE(f.district.rate);
  EXPECT_EQ(f.district.schools_meeting_target, 0);
}

TEST(daily_compliance, mean_over_the_local_days_hours_of_points_heard) {
  const auto d = testing::small_district();
  const auto day = std::chrono::year{2026} / 10 / 5;
  const span local = day_span(day, "Asia/Shanghai");
  EXPECT_EQ(core::to_epoch_ms(local.from), 1'791'158'400'000 - 8 * 3'600'000);  // 2026-10-04T16:00Z
  hourly_activity act;
  // a-gas-1 heard all 24 hours, a-alarm-1 in 6 hours (one of them twice, same hour), b in 12.
  for (int h = 0; h < 24; ++h) act["a-gas-1"][local.from + std::chrono::hours(h)] = 3;
  for (int h = 0; h < 6; ++h) act["a-alarm-1"][local.from + std::chrono::hours(h)] = 1;
  for (int h = 0; h < 12; ++h) act["b-alarm-1"][local.from + std::chrono::hours(h)] = 1;
  act["a-gas-2"][local.from - 1h] = 5;   // the day before: not counted
  act["a-gas-2"][local.to] = 5;          // the next day: not counted
  auto rows = daily_compliance(d, all(d), day, day, act, local.to + 48h);
  ASSERT_EQ(rows.size(), 1u);
  // a: (24 + 0 + 0 + 6) point-hours / (24 h × 4 points)
  ASSERT_EQ(rows[0].schools.size(), 2u);
  EXPECT_DOUBLE_EQ(*rows[0].schools[0].second, 100.0 * 30 / 96);
  EXPECT_DOUBLE_EQ(*rows[0].schools[1].second, 50.0);
  // district: (30 + 12) / (96 + 24)
  EXPECT_DOUBLE_EQ(*rows[0].district, 100.0 * 42 / 120);
}

TEST(daily_compliance, today_counts_hours_begun_and_a_future_day_has_no_rate) {
  const auto d = testing::small_district();
  const auto day = std::chrono::year{2026} / 10 / 5;
  const span local = day_span(day, "Asia/Shanghai");
  hourly_activity act;
  act["b-alarm-1"][local.from] = 1;
  act["b-alarm-1"][local.from + 1h] = 1;
  // now is 2 h 30 min into the day: 3 hours begun
  auto rows = daily_compliance(d, all(d), day, std::chrono::year{2026} / 10 / 6, act,
                               local.from + 150min);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(*rows[0].schools[1].second, 100.0 * 2 / 3);
  EXPECT_FALSE(rows[1].district);
  EXPECT_FALSE(rows[1].schools[0].second);
}

TEST(report_month, parses_strictly_and_bounds_follow_the_time_zone) {
  EXPECT_TRUE(parse_month("2026-10"));
  for (const char* bad : {"2026-13", "2026-1", "26-10", "2026/10", "2026-10-01", "", "abcd-ef"}) {
    auto m = parse_month(bad);
    ASSERT_FALSE(m) << bad;
    EXPECT_EQ(m.error().code, "bad_month");
  }
  EXPECT_FALSE(parse_date("2026-02-30"));
  EXPECT_TRUE(parse_date("2028-02-29"));
  auto oct = month_span(std::chrono::year{2026} / 10, "Asia/Shanghai");
  EXPECT_EQ(core::to_epoch_ms(oct.from), 1'790'812'800'000 - 8 * 3'600'000);  // 10-01T00:00+08
  EXPECT_EQ(oct.to - oct.from, std::chrono::hours(24 * 31));
  // A DST zone: March 2026 in Berlin loses an hour.
  auto march = month_span(std::chrono::year{2026} / 3, "Europe/Berlin");
  EXPECT_EQ(march.to - march.from, std::chrono::hours(24 * 31 - 1));
}

}  // namespace
}  // namespace campus::bureau
