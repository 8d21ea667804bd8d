// The history database's only writer: a thread that owns the read-write connection, takes
// readings from a bounded queue, commits them in batches, and deletes readings past retention.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "core/reading.hpp"
#include "history/history_store.hpp"
#include "history/sqlite/sqlite_connection.hpp"

namespace campus::history {

class sqlite_writer {
 public:
  // Opens (creating) the file, prepares the schema and starts the thread. A retention pass
  // starts at once and then every hour. `marks`: when the writer counts as behind (readings
  // queued or in the batch being written, against the high- and low-water marks).
  static std::expected<std::unique_ptr<sqlite_writer>, std::string> open(
      const std::string& path, core::duration retention, core::metrics& metrics,
      const core::clock& clock, backpressure marks = {});

  ~sqlite_writer();
  sqlite_writer(const sqlite_writer&) = delete;
  sqlite_writer& operator=(const sqlite_writer&) = delete;

  // Copies the readings into the queue; any thread, never blocks on I/O. Never drops them
  // (only after close(), counted in campus_history_dropped_total): the queue is bounded by the
  // caller, which stops taking readings while behind() (the ingest loop pauses the broker).
  void push(std::span<const core::reading> readings);

  // Above the high-water mark, until below the low-water mark. Any thread, lock-free.
  bool behind() const { return behind_.load(std::memory_order_relaxed); }
  store_lag lag() const;

  // Blocks until every reading pushed before the call is committed (or given up at close) and
  // no retention pass is under way.
  void flush();

  // Calls `done` once every reading pushed before the call is committed (or given up at
  // close): on the writer's thread, or at once on the caller's when nothing waits. Never blocks.
  void when_committed(std::function<void()> done);

  // Commits everything queued, then stops the thread. Safe to call twice.
  void close();

 private:
  sqlite_writer(std::string path, sqlite_connection db, sqlite_statement insert,
                sqlite_statement expire, core::duration retention, core::metrics& metrics,
                const core::clock& clock, backpressure marks);

  void run();
  void wake_committed();  // runs the when_committed callbacks now due, outside the lock
  void write_with_retry(std::span<const core::reading> batch);
  std::expected<void, std::string> write_batch(std::span<const core::reading> batch);
  // Deletes one chunk of expired readings; true when there may be more.
  bool expire_chunk();
  bool stopping() const;

  const std::string path_;
  sqlite_connection db_;     // touched by the writer thread only (after construction)
  sqlite_statement insert_;  // reused for every reading
  sqlite_statement expire_;  // one chunk of the retention delete
  const core::duration retention_;
  const backpressure marks_;
  const core::clock& clock_;

  core::metrics::counter& written_;
  core::metrics::counter& depth_;
  core::metrics::counter& dropped_;
  core::metrics::counter& errors_;
  core::log_rate_limiter closed_log_;

  mutable std::mutex mutex_;          // guards everything below
  std::condition_variable wake_;      // the thread: readings queued, stop asked
  std::condition_variable progress_;  // flush(): readings committed, retention finished
  std::vector<core::reading> queue_;
  std::size_t in_flight_ = 0;      // swapped out of queue_, not yet committed
  std::uint64_t pushed_ = 0;       // readings accepted into the queue, ever
  std::uint64_t done_ = 0;         // of those, committed or given up
  // when_committed: the callbacks and the pushed_ each waits for, in order.
  std::vector<std::pair<std::uint64_t, std::function<void()>>> committed_waiters_;
  int flushing_ = 0;               // flush() calls waiting: no group-commit wait
  bool retention_pending_ = true;  // a pass runs at open
  std::chrono::steady_clock::time_point next_retention_;
  bool stopping_ = false;
  bool closed_ = false;
  std::string write_error_;  // the last failure while writes fail
  std::atomic<bool> behind_{false};  // written under mutex_, read without it

  std::thread thread_;  // last: starts once every member above is ready
};

}  // namespace campus::history
