// The history database's only writer: a thread that owns the read-write connection, takes
// readings from a bounded queue, commits them in batches, and deletes readings past retention.
#pragma once

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
#include "history/sqlite/sqlite_connection.hpp"

namespace campus::history {

class sqlite_writer {
 public:
  // Readings waiting to be written (queued, or in the batch being written), at most. At 50k
  // readings/s of ingest that is 20 s of data; it fills only if the disk stalls that long.
  // Beyond it push() drops the new readings, counted in campus_history_dropped_total and
  // logged at a bounded rate: the ingest loop must never wait for the disk.
  static constexpr std::size_t default_queue_limit = 1'000'000;

  // Opens (creating) the file, prepares the schema and starts the thread. A retention pass
  // starts at once and then every hour.
  static std::expected<std::unique_ptr<sqlite_writer>, std::string> open(
      const std::string& path, core::duration retention, core::metrics& metrics,
      const core::clock& clock, std::size_t queue_limit = default_queue_limit);

  ~sqlite_writer();
  sqlite_writer(const sqlite_writer&) = delete;
  sqlite_writer& operator=(const sqlite_writer&) = delete;

  // Copies the readings into the queue; any thread, never blocks on I/O.
  void push(std::span<const core::reading> readings);

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
                const core::clock& clock, std::size_t queue_limit);

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
  const std::size_t queue_limit_;
  const core::clock& clock_;

  core::metrics::counter& written_;
  core::metrics::counter& depth_;
  core::metrics::counter& dropped_;
  core::metrics::counter& errors_;
  core::log_rate_limiter overflow_log_;

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

  std::thread thread_;  // last: starts once every member above is ready
};

}  // namespace campus::history
