// The SQLite history store as the server runs it (WAL, its synchronous setting, group commit):
// a 5000-point batch of the scaled district's readings appended, then waited for until
// when_durable answers — committed, and with synchronous=FULL also fsync'ed. Each iteration
// stamps the batch a millisecond later than the one before, so every row is new (the series
// index is unique: a repeated reading would be ignored, not written).
//   history/sqlite/batch_durable   items/s: readings stored and durable per second
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "history/sqlite/sqlite_history_store.hpp"
#include "tests/bench/benchmarks.hpp"

namespace campus::bench {

namespace {

constexpr std::size_t batch_points = 5000;

void batch_durable(benchmark::State& st, const bench_district& d) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("campus-history-bench-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  core::system_clock clock;
  core::metrics metrics;
  {
    auto opened = history::sqlite_history_store::open((dir / "history.db").string(),
                                                      core::duration::zero(), metrics, clock);
    if (!opened) throw std::runtime_error(opened.error());
    auto& store = **opened;
    std::vector<core::reading> batch;
    for (std::size_t i = 0; batch.size() < batch_points; i = (i + 1) % d.scaled().devices.size())
      for (auto& r : d.readings_of(i))
        if (batch.size() < batch_points) batch.push_back(std::move(r));
    std::mutex mutex;
    std::condition_variable done;
    for (auto _ : st) {
      for (auto& r : batch) r.ts += std::chrono::milliseconds{1};
      store.append(batch);
      bool durable = false;
      store.when_durable([&] {
        std::lock_guard lock(mutex);
        durable = true;
        done.notify_one();
      });
      std::unique_lock lock(mutex);
      done.wait(lock, [&] { return durable; });
    }
    st.SetItemsProcessed(st.iterations() * static_cast<std::int64_t>(batch.size()));
  }
  std::filesystem::remove_all(dir);
}

}  // namespace

void register_history_benchmarks(const bench_district& d) {
  benchmark::RegisterBenchmark("history/sqlite/batch_durable",
                               [&d](benchmark::State& st) { batch_durable(st, d); })
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime();
}

}  // namespace campus::bench
