#include "history/sqlite/sqlite_writer.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "history/sqlite/sqlite_schema.hpp"

namespace campus::history {

namespace {

using namespace std::chrono_literals;

// One transaction per batch amortises the commit (one WAL append and one fsync with
// synchronous=FULL); the cap keeps one transaction from holding a huge backlog at once.
constexpr std::size_t transaction_limit = 50'000;
// Retention deletes this many rows per statement, so a backlog of expired rows is cleared in
// short steps with the writes interleaved between them.
constexpr int expire_chunk_rows = 5'000;
constexpr auto retention_period = 1h;
// A failed write is retried after 100 ms, doubling up to 5 s, for as long as the store runs.
constexpr auto first_backoff = 100ms;
constexpr auto max_backoff = 5s;
// At close nobody will retry later: after this many attempts the batch is counted as dropped.
constexpr int attempts_at_close = 5;
constexpr int background_nice = 10;
// Group commit: a batch smaller than this waits up to group_commit_wait for more readings.
constexpr std::size_t group_commit_rows = 5'000;
constexpr auto group_commit_wait = 100ms;
// The writer's page cache: the series index is walked at random (one position per device and
// metric), so a bigger cache saves a read from the file per insert.
constexpr const char* writer_cache_sql = "PRAGMA cache_size=-16384";  // KiB: 16 MiB
// A queue of this capacity is freed after use rather than kept for the next burst.
constexpr std::size_t kept_capacity = 65'536;

// OR IGNORE: a reading already stored (same device, metric, subject and ts: a QoS 1 redelivery,
// or a message the crash journal replays) is kept once; see sqlite_schema.cpp.
constexpr const char* insert_sql =
    "INSERT OR IGNORE INTO readings(ts, site, zone, device, metric, subject, unit, num, state) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
constexpr const char* expire_sql =
    "DELETE FROM readings WHERE rowid IN "
    "(SELECT rowid FROM readings WHERE ts < ?1 LIMIT ?2)";

}  // namespace

std::expected<std::unique_ptr<sqlite_writer>, std::string> sqlite_writer::open(
    const std::string& path, core::duration retention, core::metrics& metrics,
    const core::clock& clock, backpressure marks) {
  const auto folder = std::filesystem::path(path).parent_path();
  if (!folder.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) {
      return std::unexpected(
          fmt::format("cannot create the folder of history database {}: {}", path, ec.message()));
    }
  }
  auto db = sqlite_connection::open(path, sqlite_connection::mode::read_write_create);
  if (!db) return std::unexpected(db.error());
  if (auto r = prepare_sqlite_schema(*db, path); !r) return std::unexpected(r.error());
  if (auto r = db->exec(writer_cache_sql); !r)
    return std::unexpected(fmt::format("history database {}: {}", path, r.error()));
  auto insert = db->prepare(insert_sql);
  if (!insert) return std::unexpected(fmt::format("history database {}: {}", path, insert.error()));
  auto expire = db->prepare(expire_sql);
  if (!expire) return std::unexpected(fmt::format("history database {}: {}", path, expire.error()));
  return std::unique_ptr<sqlite_writer>(new sqlite_writer(path, std::move(*db), std::move(*insert),
                                                          std::move(*expire), retention, metrics,
                                                          clock, marks));
}

sqlite_writer::sqlite_writer(std::string path, sqlite_connection db, sqlite_statement insert,
                             sqlite_statement expire, core::duration retention,
                             core::metrics& metrics, const core::clock& clock,
                             backpressure marks)
    : path_(std::move(path)),
      db_(std::move(db)),
      insert_(std::move(insert)),
      expire_(std::move(expire)),
      retention_(retention),
      marks_(marks),
      clock_(clock),
      written_(metrics.get("campus_history_points_written_total")),
      depth_(metrics.get("campus_history_queue_depth")),
      dropped_(metrics.get("campus_history_dropped_total")),
      errors_(metrics.get("campus_history_write_errors_total")),
      retention_pending_(retention > core::duration::zero()),
      next_retention_(std::chrono::steady_clock::now() + retention_period),
      thread_([this] { run(); }) {}

sqlite_writer::~sqlite_writer() { close(); }

void sqlite_writer::push(std::span<const core::reading> readings) {
  if (readings.empty()) return;
  std::size_t accepted = 0;
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      const auto before = queue_.size();
      accepted = readings.size();
      queue_.insert(queue_.end(), readings.begin(), readings.end());
      pushed_ += accepted;
      // The marks cover the batch being written too: they bound the memory held.
      const auto held = queue_.size() + in_flight_;
      if (held > marks_.high_water) behind_.store(true, std::memory_order_relaxed);
      depth_.set(static_cast<std::int64_t>(held));
      // The writer waits for a first reading, then for a full group: waking it for every
      // reading in between would cost a futex call (and a thread switch) per reading.
      wake = accepted > 0 && (before == 0 || (before < group_commit_rows &&
                                              queue_.size() >= group_commit_rows));
    }
  }
  if (wake) wake_.notify_one();
  if (const auto rejected = readings.size() - accepted; rejected > 0) {
    dropped_.inc(rejected);
    long suppressed = 0;
    if (closed_log_.allow(suppressed)) {
      core::log(core::log_level::warn,
                "history: {} readings dropped: the store is closed (suppressed {} similar "
                "messages)", rejected, suppressed);
    }
  }
}

store_lag sqlite_writer::lag() const {
  std::lock_guard lock(mutex_);
  return store_lag{queue_.size() + in_flight_, behind(), {}, write_error_};
}

void sqlite_writer::flush() {
  std::unique_lock lock(mutex_);
  const auto target = pushed_;
  ++flushing_;
  wake_.notify_all();
  progress_.wait(lock, [&] { return done_ >= target && !retention_pending_; });
  --flushing_;
}

void sqlite_writer::when_committed(std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    if (done_ < pushed_) {
      committed_waiters_.emplace_back(pushed_, std::move(done));
      return;
    }
  }
  done();
}

void sqlite_writer::wake_committed() {
  std::vector<std::function<void()>> due;
  {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    while (n < committed_waiters_.size() && committed_waiters_[n].first <= done_) ++n;
    for (std::size_t i = 0; i < n; ++i) due.push_back(std::move(committed_waiters_[i].second));
    committed_waiters_.erase(committed_waiters_.begin(), committed_waiters_.begin() + n);
  }
  for (auto& done : due) done();
}

void sqlite_writer::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  // Fold the WAL into the file now: the reader's connection may close last, and a read-only
  // connection cannot. Not needed for durability (the WAL is replayed at the next open).
  if (auto r = db_.exec("PRAGMA wal_checkpoint(TRUNCATE)"); !r) {
    core::log(core::log_level::warn, "history: checkpoint of {} at close failed: {}", path_,
              r.error());
  }
  // Statements before the connection: SQLite refuses to close a connection with live ones.
  insert_ = {};
  expire_ = {};
  db_ = {};
}

bool sqlite_writer::stopping() const {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void sqlite_writer::run() {
  // History is bulk work: on a machine whose cores are shared with the broker, the thread that
  // carries alerts (the Asio loop) and the ledger's come first. Nice 10 on this thread only
  // (Linux applies it per thread); it still gets the idle time, which is most of it.
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), background_nice) != 0) {
    core::log(core::log_level::debug, "history: cannot lower the writer's priority: {}",
              std::strerror(errno));
  }
  std::vector<core::reading> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    // Group commit: a small batch waits a moment for more, so that under load one
    // transaction (one WAL append, one index walk) carries thousands of readings instead of a
    // handful. flush() and close() end the wait at once.
    if (!queue_.empty() && queue_.size() < group_commit_rows && !stopping_ && flushing_ == 0) {
      wake_.wait_for(lock, group_commit_wait, [&] {
        return queue_.size() >= group_commit_rows || stopping_ || flushing_ > 0;
      });
    }
    if (!queue_.empty()) {
      // Swap, not copy: push() goes on filling the other vector while this one is written.
      batch.swap(queue_);
      in_flight_ = batch.size();
      lock.unlock();
      for (std::size_t at = 0; at < batch.size(); at += transaction_limit) {
        const auto part =
            std::span(batch).subspan(at, std::min(transaction_limit, batch.size() - at));
        write_with_retry(part);
        {
          std::lock_guard done_lock(mutex_);
          done_ += part.size();
          in_flight_ -= part.size();
          // Waiting = queued + not yet committed, so a producer pacing itself on it (backfill)
          // sees the whole backlog.
          const auto held = queue_.size() + in_flight_;
          depth_.set(static_cast<std::int64_t>(held));
          if (held <= marks_.low_water) behind_.store(false, std::memory_order_relaxed);
        }
        progress_.notify_all();
        wake_committed();
      }
      if (batch.capacity() > kept_capacity) {
        batch = {};
      } else {
        batch.clear();
      }
      lock.lock();
    }
    // One chunk per turn, between batches: retention never holds the writes back for long.
    if (retention_pending_ && !stopping_) {
      lock.unlock();
      const bool more = expire_chunk();
      lock.lock();
      if (!more) {
        retention_pending_ = false;
        progress_.notify_all();
      }
      continue;
    }
    if (!queue_.empty()) continue;
    if (stopping_) {
      retention_pending_ = false;  // an unfinished pass resumes at the next open
      progress_.notify_all();
      return;
    }
    const bool woken =
        wake_.wait_until(lock, next_retention_, [&] { return !queue_.empty() || stopping_; });
    if (!woken && retention_ > core::duration::zero()) {
      retention_pending_ = true;
      next_retention_ = std::chrono::steady_clock::now() + retention_period;
    }
  }
}

void sqlite_writer::write_with_retry(std::span<const core::reading> batch) {
  auto backoff = std::chrono::milliseconds{first_backoff};
  for (int attempt = 1;; ++attempt) {
    auto result = write_batch(batch);
    if (result) {
      written_.inc(batch.size());
      if (attempt > 1) {
        std::lock_guard lock(mutex_);
        write_error_.clear();
      }
      return;
    }
    errors_.inc();
    {
      std::lock_guard lock(mutex_);
      write_error_ = fmt::format("writing to {} failed: {}", path_, result.error());
    }
    core::log(core::log_level::error, "history: writing {} readings to {} failed (attempt {}): {}",
              batch.size(), path_, attempt, result.error());
    if (stopping() && attempt >= attempts_at_close) {
      dropped_.inc(batch.size());
      core::log(core::log_level::error, "history: closing; {} readings for {} are dropped",
                batch.size(), path_);
      return;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds{max_backoff});
  }
}

std::expected<void, std::string> sqlite_writer::write_batch(std::span<const core::reading> batch) {
  // IMMEDIATE takes the write lock now, so a busy database fails here, before any work.
  if (auto r = db_.exec("BEGIN IMMEDIATE"); !r) return r;
  for (const auto& r : batch) {
    insert_.bind(1, static_cast<std::int64_t>(core::to_epoch_ms(r.ts)));
    insert_.bind(2, r.site);
    insert_.bind(3, r.zone);
    insert_.bind(4, r.device);
    insert_.bind(5, r.metric);
    insert_.bind(6, r.subject);
    insert_.bind(7, r.unit);
    if (r.is_number()) {
      insert_.bind(8, r.number());
      insert_.bind_null(9);
    } else {
      insert_.bind_null(8);
      insert_.bind(9, r.state());
    }
    const int rc = insert_.step();
    std::string message = rc != SQLITE_DONE ? db_.last_error() : std::string{};
    insert_.reset();
    if (rc != SQLITE_DONE) {
      if (db_.in_transaction()) (void)db_.exec("ROLLBACK");
      return std::unexpected(std::move(message));
    }
  }
  if (auto r = db_.exec("COMMIT"); !r) {
    if (db_.in_transaction()) (void)db_.exec("ROLLBACK");
    return r;
  }
  return {};
}

bool sqlite_writer::expire_chunk() {
  const auto cutoff = core::to_epoch_ms(clock_.now() - retention_);
  expire_.bind(1, static_cast<std::int64_t>(cutoff));
  expire_.bind(2, static_cast<std::int64_t>(expire_chunk_rows));
  const int rc = expire_.step();
  const int deleted = db_.changes();
  std::string message = rc != SQLITE_DONE ? db_.last_error() : std::string{};
  expire_.reset();
  if (rc != SQLITE_DONE) {
    // Not retried now: the next hourly pass picks the same rows up.
    errors_.inc();
    core::log(core::log_level::error, "history: deleting expired readings from {} failed: {}",
              path_, message);
    return false;
  }
  if (deleted > 0) {
    core::log(core::log_level::debug, "history: {} readings older than {} ms deleted from {}",
              deleted, retention_.count(), path_);
  }
  return deleted == expire_chunk_rows;
}

}  // namespace campus::history
