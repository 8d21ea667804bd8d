// Queries while the writer works, and a larger load (its rate printed, never asserted).
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "store_fixture.hpp"

namespace campus::history::test {
namespace {

using concurrency_test = store_fixture;

TEST_F(concurrency_test, queries_during_writes_see_a_consistent_prefix) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  constexpr int chunks = 200;
  constexpr int chunk_size = 500;
  const auto start = core::from_epoch_ms(1'763'000'000'000);
  // Reading i has value i, all in one bucket. Readings are committed in order, so whatever a
  // query sees must be readings 0..n-1: min 0, max n-1, mean (n-1)/2, with n never shrinking.
  std::atomic<bool> writing{true};
  std::thread producer([&] {
    std::vector<core::reading> chunk;
    for (int c = 0; c < chunks; ++c) {
      chunk.clear();
      for (int k = 0; k < chunk_size; ++k) {
        const int i = c * chunk_size + k;
        chunk.push_back(number("gas-1", "lel_pct", i, start + std::chrono::milliseconds{i}));
      }
      store->append(chunk);
    }
    writing = false;
  });

  const series_query q{"gas-1", "lel_pct", "", start, start + 1h, 1h};
  std::int64_t previous = 0;
  int queries = 0;
  while (writing || queries < 20) {
    auto result = run(*store, q);
    ASSERT_TRUE(result) << result.error();
    ++queries;
    if (result->buckets.empty()) {
      EXPECT_EQ(previous, 0);
      continue;
    }
    ASSERT_EQ(result->buckets.size(), 1u);
    const auto& b = result->buckets[0];
    EXPECT_GE(b.count, previous);
    EXPECT_EQ(*b.min, 0.0);
    EXPECT_EQ(*b.max, static_cast<double>(b.count - 1));
    EXPECT_DOUBLE_EQ(*b.mean, static_cast<double>(b.count - 1) / 2.0);
    previous = b.count;
  }
  producer.join();
  store->flush();
  auto final_result = run(*store, q);
  ASSERT_TRUE(final_result) << final_result.error();
  ASSERT_EQ(final_result->buckets.size(), 1u);
  EXPECT_EQ(final_result->buckets[0].count, chunks * chunk_size);
  std::printf("[ info ] %d queries ran while writing\n", queries);
}

TEST_F(concurrency_test, a_hundred_thousand_readings_are_stored_and_queried) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  constexpr int devices = 10;
  constexpr int per_device = 10'000;
  // On a minute, so that 10,000 seconds fill exactly 167 one-minute buckets.
  const core::time_point start =
      std::chrono::floor<std::chrono::minutes>(clock_.now() - std::chrono::hours{3});
  std::vector<core::reading> readings;
  readings.reserve(devices * per_device);
  for (int i = 0; i < per_device; ++i) {
    for (int d = 0; d < devices; ++d) {
      readings.push_back(
          number("gas-" + std::to_string(d), "lel_pct", i % 100, start + std::chrono::seconds{i}));
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t at = 0; at < readings.size(); at += 1000) {
    store->append(std::span(readings).subspan(at, 1000));
  }
  store->flush();
  const auto t1 = std::chrono::steady_clock::now();
  auto result = run(*store, {"gas-3", "lel_pct", "", start, clock_.now(), 1min});
  const auto t2 = std::chrono::steady_clock::now();
  ASSERT_TRUE(result) << result.error();

  std::int64_t count = 0;
  for (const auto& b : result->buckets) count += b.count;
  EXPECT_EQ(count, per_device);
  EXPECT_EQ(result->buckets.size(), static_cast<std::size_t>((per_device + 59) / 60));
  EXPECT_EQ(metric_value("campus_history_points_written_total"), devices * per_device);

  using seconds = std::chrono::duration<double>;
  const double write_s = seconds(t1 - t0).count();
  std::printf(
      "[ info ] %d readings written in %.3f s (%.0f readings/s); "
      "one series of %d readings queried in %.3f s\n",
      devices * per_device, write_s, devices * per_device / write_s, per_device,
      seconds(t2 - t1).count());
}

}  // namespace
}  // namespace campus::history::test
