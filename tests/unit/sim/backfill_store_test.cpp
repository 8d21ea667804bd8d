// The backfill through the real SQLite store (open_history, a temporary data directory): every
// series the generator produced reads back with the same buckets, counts, minima and maxima.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <map>
#include <tuple>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "history/open_history.hpp"
#include "sample_district.hpp"
#include "sim/backfill_generator.hpp"
#include "sim/backfill_writer.hpp"

namespace campus::sim {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

class temp_data_dir {
 public:
  temp_data_dir()
      : path_(fs::temp_directory_path() /
              ("campus-backfill-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~temp_data_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

using series_key = std::tuple<std::string, std::string, std::string>;  // device, metric, subject

struct expected_bucket {
  std::int64_t count = 0;
  std::optional<double> min, max;
};

history::series query(history::history_store& store, history::series_query q) {
  std::promise<history::query_result> answer;
  auto future = answer.get_future();
  store.query(std::move(q), [&answer](history::query_result r) { answer.set_value(std::move(r)); });
  auto result = future.get();
  EXPECT_TRUE(result) << result.error();
  return result ? *result : history::series{};
}

TEST(backfill_store, two_days_at_five_minutes_read_back_bucket_by_bucket_from_sqlite) {
  temp_data_dir dir;
  config::district district = testing::sample_district();
  district.data_dir = dir.path().string();
  district.history.backend = config::history_settings::backend_kind::sqlite;
  district.history.sqlite.path.clear();

  backfill_settings settings;
  settings.from = testing::monday_midnight;
  settings.to = settings.from + 48h;
  settings.step = 5min;
  settings.seed = 42;
  settings.site = "xh-primary";
  // Retention counts from the store's clock: make it the end of the span.
  const core::manual_clock clock(settings.to);

  auto gen = backfill_generator::make(district, settings);
  ASSERT_TRUE(gen) << gen.error();
  ASSERT_FALSE(gen->incidents().empty());
  core::metrics metrics;
  {
    auto store = history::open_history(district, metrics, clock);
    ASSERT_TRUE(store) << store.error();
    backfill_writer::settings ws;
    ws.chunk = 1000;  // many appends, as a month would make
    backfill_writer writer(
        **store, [&] { return metrics.get("campus_history_queue_depth").value(); }, ws);
    const auto summary = writer.run(*gen, {});
    EXPECT_GT(summary.readings, 13u * 576);
    EXPECT_EQ(metrics.get("campus_history_points_written_total").value(),
              static_cast<std::int64_t>(summary.readings));
    EXPECT_EQ(metrics.get("campus_history_dropped_total").value(), 0);
  }
  EXPECT_TRUE(fs::exists(dir.path() / "history.db"));

  // The same seed again, this time kept in memory: what the store must hold, per hour.
  auto again = backfill_generator::make(district, settings);
  ASSERT_TRUE(again) << again.error();
  std::vector<core::reading> readings;
  while (again->next(readings, 100'000) > 0) {
  }
  std::map<series_key, std::map<core::time_point, expected_bucket>> want;
  for (const auto& r : readings) {
    auto& b = want[{r.device, r.metric, r.subject}][std::chrono::floor<std::chrono::hours>(r.ts)];
    ++b.count;
    if (r.is_number()) {
      b.min = std::min(b.min.value_or(r.number()), r.number());
      b.max = std::max(b.max.value_or(r.number()), r.number());
    }
  }
  ASSERT_GT(want.size(), 40u);

  core::metrics metrics2;
  auto store = history::open_history(district, metrics2, clock);
  ASSERT_TRUE(store) << store.error();
  for (const auto& [key, buckets] : want) {
    const auto& [device, metric, subject] = key;
    history::series_query q;
    q.device = device;
    q.metric = metric;
    q.subject = subject;
    q.from = settings.from;
    q.to = settings.to;
    q.step = 1h;
    const auto got = query(**store, q);
    ASSERT_EQ(got.buckets.size(), buckets.size()) << device << " " << metric << " " << subject;
    auto b = got.buckets.begin();
    for (const auto& [start, w] : buckets) {
      EXPECT_EQ(b->start, start) << device << " " << metric;
      EXPECT_EQ(b->count, w.count) << device << " " << metric;
      EXPECT_EQ(b->min, w.min) << device << " " << metric;
      EXPECT_EQ(b->max, w.max) << device << " " << metric;
      ++b;
    }
  }

  // The outage shows as hours without telemetry, the gas spikes as a 30 %LEL maximum.
  for (const auto& i : gen->incidents()) {
    if (i.what == backfill_incident::kind::gas_spike) {
      history::series_query q{i.device, "lel_pct", "", i.from, i.to + 1h, 1h};
      double peak = 0;
      for (const auto& b : query(**store, q).buckets) peak = std::max(peak, b.max.value_or(0));
      EXPECT_EQ(peak, gas_spike_peak) << i.describe();
    }
    if (i.what == backfill_incident::kind::device_offline) {
      // Any device may be the one: one of its metrics other than its status.
      std::string metric;
      for (const auto& [key, buckets] : want) {
        if (std::get<0>(key) == i.device && std::get<1>(key) != "status") metric = std::get<1>(key);
      }
      ASSERT_FALSE(metric.empty()) << i.describe();
      history::series_query q{i.device, metric, "", settings.from, settings.to, 1h};
      const auto hours = query(**store, q).buckets.size();
      EXPECT_LE(hours, 48u - 2) << i.describe();  // at least two whole hours silent
    }
  }
  (*store)->close();
}

}  // namespace
}  // namespace campus::sim
