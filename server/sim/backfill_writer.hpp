// Writes a backfill generator's readings to a history store: chunks of readings, in the
// generator's (time) order, then close(), which returns once everything is written (SQLite)
// or written or spooled (InfluxDB).
//
// history_store::append never blocks, it queues; a month of readings queued at once would be
// gigabytes. So the writer keeps the store's backlog bounded: after each chunk it asks
// `backlog` (readings the store has queued but not written yet, from its metrics) and waits
// while that is above `max_backlog`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "history/history_store.hpp"
#include "sim/backfill_generator.hpp"

namespace campus::sim {

struct backfill_progress {
  core::time_point position;   // simulated time reached
  double fraction = 0;         // of the span, 0..1
  std::uint64_t readings = 0;  // appended so far
  std::chrono::duration<double> wall{};
};

struct backfill_summary {
  std::uint64_t readings = 0;
  std::uint64_t samples = 0;
  std::chrono::duration<double> wall{};  // generation, writing and close()

  double readings_per_second() const {
    return wall.count() > 0 ? static_cast<double>(readings) / wall.count() : 0.0;
  }
};

class backfill_writer {
 public:
  struct settings {
    std::size_t chunk = 10'000;  // readings per append()
    std::int64_t max_backlog = 200'000;
    std::chrono::milliseconds progress_every{1000};
  };

  // `backlog`: readings the store holds in memory, not yet written; a negative answer means
  // the store does not say, and the writer does not wait.
  backfill_writer(history::history_store& store, std::function<std::int64_t()> backlog, settings s);

  // Runs `gen` to its end, appending every chunk, and closes the store. `progress` is called
  // about every `progress_every` of wall time and once at the end. `observe`, when set, sees
  // every chunk, in order, before the store gets it (the ledger replay reads the same readings).
  backfill_summary run(backfill_generator& gen,
                       const std::function<void(const backfill_progress&)>& progress,
                       const std::function<void(const std::vector<core::reading>&)>& observe = {});

 private:
  void wait_for_backlog() const;

  history::history_store& store_;
  std::function<std::int64_t()> backlog_;
  settings settings_;
};

}  // namespace campus::sim
