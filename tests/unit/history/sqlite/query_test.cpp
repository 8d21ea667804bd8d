// What a series query returns: buckets, their aggregates, the range and the unit.
#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include "store_fixture.hpp"

namespace campus::history::test {
namespace {

using query_test = store_fixture;

struct expected_bucket {
  double min = 0, max = 0, sum = 0;
  std::int64_t count = 0;
};

// Floor division, so buckets start at multiples of the step since the epoch.
std::int64_t bucket_of(std::int64_t ts, std::int64_t step) {
  const std::int64_t q = ts / step;
  return (ts % step < 0 ? q - 1 : q) * step;
}

TEST_F(query_test, buckets_match_aggregates_computed_independently) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  constexpr std::int64_t step = 60'000;
  // Not aligned to the step: buckets still start at multiples of it.
  const std::int64_t from = core::to_epoch_ms(clock_.now()) - 3'600'000 + 12'345;
  const std::int64_t to = from + 1'800'000;

  std::mt19937 random(20240601);
  std::uniform_int_distribution<std::int64_t> when(from - 600'000, to + 600'000);
  std::uniform_real_distribution<double> value(-50.0, 50.0);
  std::vector<core::reading> readings;
  std::map<std::int64_t, expected_bucket> expected;
  for (int i = 0; i < 3000; ++i) {
    const auto ts = when(random);
    const auto v = value(random);
    readings.push_back(number("gas-1", "lel_pct", v, core::from_epoch_ms(ts)));
    // Same instants on another device and another metric: must not leak into the series.
    readings.push_back(number("gas-2", "lel_pct", v + 100, core::from_epoch_ms(ts)));
    readings.push_back(number("gas-1", "co_ppm", v - 100, core::from_epoch_ms(ts)));
    if (ts < from || ts >= to) continue;
    auto [it, fresh] = expected.try_emplace(bucket_of(ts, step));
    auto& b = it->second;
    b.min = fresh ? v : std::min(b.min, v);
    b.max = fresh ? v : std::max(b.max, v);
    b.sum += v;
    ++b.count;
  }
  store->append(readings);
  store->flush();

  auto result = run(*store, {"gas-1", "lel_pct", "", core::from_epoch_ms(from),
                             core::from_epoch_ms(to), core::duration{step}});
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->device, "gas-1");
  EXPECT_EQ(result->metric, "lel_pct");
  ASSERT_EQ(result->buckets.size(), expected.size());
  auto want = expected.begin();
  for (const auto& got : result->buckets) {
    SCOPED_TRACE(core::to_epoch_ms(got.start));
    EXPECT_EQ(core::to_epoch_ms(got.start), want->first);
    EXPECT_EQ(got.count, want->second.count);
    ASSERT_TRUE(got.min && got.mean && got.max);
    EXPECT_DOUBLE_EQ(*got.min, want->second.min);
    EXPECT_DOUBLE_EQ(*got.max, want->second.max);
    EXPECT_NEAR(*got.mean, want->second.sum / static_cast<double>(want->second.count), 1e-9);
    ++want;
  }
}

TEST_F(query_test, from_is_inclusive_and_to_exclusive) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const auto from = clock_.now() - 10min;
  const auto to = clock_.now();
  const std::vector<core::reading> readings{
      number("gas-1", "lel_pct", 1.0, from - 1ms), number("gas-1", "lel_pct", 2.0, from),
      number("gas-1", "lel_pct", 3.0, to - 1ms), number("gas-1", "lel_pct", 4.0, to)};
  store->append(readings);
  store->flush();

  auto result = run(*store, {"gas-1", "lel_pct", "", from, to, 1h});
  ASSERT_TRUE(result) << result.error();
  std::int64_t count = 0;
  double lowest = 1e9, highest = -1e9;
  for (const auto& b : result->buckets) {
    count += b.count;
    lowest = std::min(lowest, *b.min);
    highest = std::max(highest, *b.max);
  }
  EXPECT_EQ(count, 2);
  EXPECT_EQ(lowest, 2.0);
  EXPECT_EQ(highest, 3.0);
}

TEST_F(query_test, steps_without_readings_are_left_out) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const auto start = core::from_epoch_ms(1'763'859'000'000);  // a multiple of one minute
  const std::vector<core::reading> readings{number("gas-1", "lel_pct", 1.0, start + 5s),
                                            number("gas-1", "lel_pct", 3.0, start + 50s),
                                            number("gas-1", "lel_pct", 7.0, start + 5min + 1s)};
  store->append(readings);
  store->flush();

  auto result = run(*store, {"gas-1", "lel_pct", "", start, start + 10min, 1min});
  ASSERT_TRUE(result) << result.error();
  ASSERT_EQ(result->buckets.size(), 2u);
  EXPECT_EQ(result->buckets[0].start, start);
  EXPECT_EQ(result->buckets[0].count, 2);
  EXPECT_EQ(result->buckets[0].mean, 2.0);
  EXPECT_EQ(result->buckets[1].start, start + 5min);
  EXPECT_EQ(result->buckets[1].count, 1);
  EXPECT_EQ(result->buckets[1].max, 7.0);
}

TEST_F(query_test, subject_selects_its_own_readings) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const auto t = clock_.now() - 1min;
  const std::vector<core::reading> readings{
      number("beacon-1", "tag_dist_m", 1.0, t, "", "m"),
      number("beacon-1", "tag_dist_m", 10.0, t, "tag-7", "m"),
      number("beacon-1", "tag_dist_m", 12.0, t + 1s, "tag-7", "m"),
      number("beacon-1", "tag_dist_m", 20.0, t, "tag-9", "m")};
  store->append(readings);
  store->flush();

  auto sum_of = [&](const std::string& subject) {
    auto r = run(*store, {"beacon-1", "tag_dist_m", subject, t - 1h, t + 1h, 1h});
    EXPECT_TRUE(r) << r.error();
    EXPECT_EQ(r->subject, subject);
    double sum = 0;
    for (const auto& b : r->buckets) sum += *b.mean * static_cast<double>(b.count);
    return sum;
  };
  EXPECT_EQ(sum_of(""), 1.0);
  EXPECT_EQ(sum_of("tag-7"), 22.0);
  EXPECT_EQ(sum_of("tag-9"), 20.0);
  EXPECT_EQ(sum_of("tag-404"), 0.0);
}

TEST_F(query_test, state_readings_are_counted_without_statistics) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const auto start = core::from_epoch_ms(1'763'859'000'000);
  const std::vector<core::reading> readings{state("cab-1", "door", "open", start + 1s),
                                            state("cab-1", "door", "closed", start + 2s),
                                            state("cab-1", "door", "open", start + 61s)};
  store->append(readings);
  store->flush();

  auto result = run(*store, {"cab-1", "door", "", start, start + 1h, 1min});
  ASSERT_TRUE(result) << result.error();
  ASSERT_EQ(result->buckets.size(), 2u);
  EXPECT_EQ(result->buckets[0].count, 2);
  EXPECT_EQ(result->buckets[1].count, 1);
  for (const auto& b : result->buckets) {
    EXPECT_FALSE(b.min.has_value());
    EXPECT_FALSE(b.mean.has_value());
    EXPECT_FALSE(b.max.has_value());
  }
  EXPECT_EQ(result->unit, "");
}

TEST_F(query_test, unit_comes_from_the_newest_reading_in_range) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const auto t = clock_.now() - 1h;
  const std::vector<core::reading> readings{
      number("gas-1", "gas", 1.0, t + 1min, "", "%LEL"),
      number("gas-1", "gas", 2.0, t + 3min, "", "ppm"),
      number("gas-1", "gas", 3.0, t + 2min, "", "%VOL"),     // arrives later, but older
      number("gas-1", "gas", 4.0, t + 30min, "", "mg/m3")};  // newer, out of range
  store->append(readings);
  store->flush();

  auto result = run(*store, {"gas-1", "gas", "", t, t + 10min, 1min});
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(result->unit, "ppm");

  auto empty = run(*store, {"gas-1", "gas", "", t + 40min, t + 50min, 1min});
  ASSERT_TRUE(empty) << empty.error();
  EXPECT_TRUE(empty->buckets.empty());
  EXPECT_EQ(empty->unit, "");
}

TEST_F(query_test, a_step_that_is_not_positive_is_an_error) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  auto result = run(*store, {"gas-1", "lel_pct", "", clock_.now() - 1h, clock_.now(), 0ms});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().find("step"), std::string::npos) << result.error();
}

}  // namespace
}  // namespace campus::history::test
