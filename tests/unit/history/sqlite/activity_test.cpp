// activity(): readings per device and step, every kind of reading counted, [from, to) kept.
#include <map>
#include <random>
#include <set>
#include <vector>

#include "store_fixture.hpp"

namespace campus::history::test {
namespace {

using activity_test = store_fixture;

constexpr std::int64_t hour = 3'600'000;

// Per device, per bucket start (ms): readings.
using counts = std::map<std::string, std::map<std::int64_t, std::int64_t>>;

counts counts_of(const std::vector<device_activity>& result) {
  counts out;
  for (const auto& d : result)
    for (const auto& b : d.buckets) out[d.device][core::to_epoch_ms(b.start)] = b.readings;
  return out;
}

std::vector<std::string> devices_of(const std::vector<device_activity>& result) {
  std::vector<std::string> out;
  for (const auto& d : result) out.push_back(d.device);
  return out;
}

class known_readings : public activity_test {
 protected:
  // An hour boundary some hours before the clock: the readings' hours are h0 … h0 + 4h.
  const std::int64_t h0_ = (core::to_epoch_ms(clock_.now()) / hour - 6) * hour;
  core::time_point at(std::int64_t hours, std::int64_t minutes) const {
    return core::from_epoch_ms(h0_ + hours * hour + minutes * 60'000);
  }
  // [h0 + 30 min, h0 + 3 h): the first bucket is cut, hour 3 is outside.
  const core::time_point from_ = at(0, 30);
  const core::time_point to_ = at(3, 0);

  void SetUp() override {
    store_ = open_store();
    ASSERT_NE(store_, nullptr);
    store_->append(std::vector<core::reading>{
        number("gas-1", "lel_pct", 1, at(0, 29)),             // before from: out
        number("gas-1", "lel_pct", 2, at(0, 30)),             // at from: in
        number("gas-1", "co_ppm", 3, at(0, 45)),              // another metric
        number("gas-1", "lel_pct", 4, at(0, 59), "tag-7"),    // another subject
        number("gas-1", "lel_pct", 5, at(2, 10)),             // hour 1 is empty
        number("gas-1", "lel_pct", 6, at(3, 0)),              // at to: out
        state("door-1", "door", "open", at(1, 5)),            // states count too
        state("door-1", "door", "closed", at(1, 6)),
        number("door-1", "battery_pct", 80, at(1, 59)),
        number("beacon-1", "rssi", -70, at(3, 30)),           // only after to: absent
        number("alarm-1", "input", 1, at(2, 59) + core::duration{59'999}),
    });
    store_->flush();
  }

  std::unique_ptr<sqlite_history_store> store_;
};

TEST_F(known_readings, counts_every_reading_per_device_and_hour) {
  auto result = run(*store_, activity_query{from_, to_, core::duration{hour}, {}});
  ASSERT_TRUE(result) << result.error();
  // Sorted by id; beacon-1 has no reading in range and is absent.
  EXPECT_EQ(devices_of(*result), (std::vector<std::string>{"alarm-1", "door-1", "gas-1"}));
  EXPECT_EQ(counts_of(*result), (counts{
                                    {"alarm-1", {{h0_ + 2 * hour, 1}}},
                                    {"door-1", {{h0_ + hour, 3}}},
                                    {"gas-1", {{h0_, 3}, {h0_ + 2 * hour, 1}}},
                                }));
}

TEST_F(known_readings, device_filter_keeps_only_those_devices) {
  auto result =
      run(*store_, activity_query{from_, to_, core::duration{hour}, {"gas-1", "door-1", "nobody"}});
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(counts_of(*result), (counts{
                                    {"door-1", {{h0_ + hour, 3}}},
                                    {"gas-1", {{h0_, 3}, {h0_ + 2 * hour, 1}}},
                                }));
  auto one = run(*store_, activity_query{at(0, 0), at(4, 0), core::duration{hour}, {"beacon-1"}});
  ASSERT_TRUE(one) << one.error();
  EXPECT_EQ(counts_of(*one), (counts{{"beacon-1", {{h0_ + 3 * hour, 1}}}}));
}

TEST_F(known_readings, buckets_align_to_multiples_of_the_step) {
  // Two-hour steps start at even hours since the epoch, whatever `from` is.
  const std::int64_t two = 2 * hour;
  auto result = run(*store_, activity_query{at(0, 0), at(4, 0), core::duration{two}, {"gas-1"}});
  ASSERT_TRUE(result) << result.error();
  std::map<std::int64_t, std::int64_t> want;
  for (auto ts : {at(0, 29), at(0, 30), at(0, 45), at(0, 59), at(2, 10), at(3, 0)})
    ++want[core::to_epoch_ms(ts) / two * two];
  EXPECT_EQ(counts_of(*result), (counts{{"gas-1", want}}));
}

TEST_F(known_readings, empty_range_and_bad_step) {
  auto empty = run(*store_, activity_query{to_, to_, core::duration{hour}, {}});
  ASSERT_TRUE(empty) << empty.error();
  EXPECT_TRUE(empty->empty());
  auto reversed = run(*store_, activity_query{to_, from_, core::duration{hour}, {}});
  ASSERT_TRUE(reversed) << reversed.error();
  EXPECT_TRUE(reversed->empty());
  EXPECT_FALSE(run(*store_, activity_query{from_, to_, core::duration{0}, {}}));
}

TEST_F(activity_test, matches_counts_computed_independently) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  const std::int64_t now = core::to_epoch_ms(clock_.now());
  const std::int64_t from = now - 24 * hour + 1'234;  // not on a boundary
  const std::int64_t to = now - 2 * hour;
  std::mt19937 random(20250301);
  std::uniform_int_distribution<std::int64_t> when(from - hour, to + hour);
  std::uniform_int_distribution<int> which(0, 6);
  std::vector<core::reading> readings;
  counts want;
  std::set<std::pair<int, std::int64_t>> drawn;  // a second reading of a series at a ts is one row
  for (int i = 0; i < 20'000; ++i) {
    const auto ts = when(random);
    const auto d = which(random);
    if (!drawn.emplace(d, ts).second) continue;
    const std::string device = "dev-" + std::to_string(d);
    if (d % 3 == 0)
      readings.push_back(state(device, "door", i % 2 ? "open" : "closed", core::from_epoch_ms(ts)));
    else
      readings.push_back(number(device, d % 2 ? "lel_pct" : "co_ppm", i, core::from_epoch_ms(ts)));
    if (ts >= from && ts < to) ++want[device][ts / hour * hour];
  }
  store->append(readings);
  store->flush();
  auto result = run(*store, activity_query{core::from_epoch_ms(from), core::from_epoch_ms(to),
                                           core::duration{hour}, {}});
  ASSERT_TRUE(result) << result.error();
  EXPECT_EQ(counts_of(*result), want);
  for (const auto& d : *result) {
    for (std::size_t i = 1; i < d.buckets.size(); ++i)
      EXPECT_LT(d.buckets[i - 1].start, d.buckets[i].start) << d.device;
  }
}

TEST_F(activity_test, closed_store_answers_with_an_error) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  store->close();
  const auto now = clock_.now();
  EXPECT_FALSE(run(*store, activity_query{now - 1h, now, core::duration{hour}, {}}));
}

}  // namespace
}  // namespace campus::history::test
