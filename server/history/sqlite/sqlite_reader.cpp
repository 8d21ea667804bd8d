#include "history/sqlite/sqlite_reader.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <exception>
#include <map>

#include "core/log.hpp"

namespace campus::history {

namespace {

// Buckets start at multiples of the step since the epoch; the double modulo keeps that true
// for instants before 1970, where SQLite's `/` and `%` truncate toward zero.
// MIN/AVG/MAX skip NULL, so state readings (num IS NULL) are counted but not averaged.
// Both statements are one range scan of the (device, metric, subject, ts) index.
constexpr const char* buckets_sql =
    "SELECT ts - (((ts % ?6) + ?6) % ?6) AS start, MIN(num), AVG(num), MAX(num), COUNT(*) "
    "FROM readings "
    "WHERE device = ?1 AND metric = ?2 AND subject = ?3 AND ts >= ?4 AND ts < ?5 "
    "GROUP BY start ORDER BY start";
constexpr const char* unit_sql =
    "SELECT unit FROM readings "
    "WHERE device = ?1 AND metric = ?2 AND subject = ?3 AND ts >= ?4 AND ts < ?5 "
    "ORDER BY ts DESC, rowid DESC LIMIT 1";

// Every reading in range, by device and ts: one range scan of the ts index. The unary `+`
// keeps SQLite off the series index for a device filter, which would read those devices'
// whole retention; this way the cost follows the rows in range alone.
constexpr const char* activity_sql = "SELECT device, ts FROM readings WHERE ts >= ?1 AND ts < ?2{}";

// Calls a caller's handler; its failure must not end the reader thread.
template <class Handler, class Result>
void call_handler(Handler& done, Result result) {
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    core::log(core::log_level::error, "history: a query handler threw: {}", e.what());
  }
}

std::optional<double> optional_double(const sqlite_statement& stmt, int column) {
  if (stmt.is_null(column)) return std::nullopt;
  return stmt.double_at(column);
}

}  // namespace

std::expected<std::unique_ptr<sqlite_reader>, std::string> sqlite_reader::open(
    const std::string& path) {
  auto db = sqlite_connection::open(path, sqlite_connection::mode::read_only);
  if (!db) return std::unexpected(db.error());
  auto buckets = db->prepare(buckets_sql);
  if (!buckets)
    return std::unexpected(fmt::format("history database {}: {}", path, buckets.error()));
  auto unit = db->prepare(unit_sql);
  if (!unit) return std::unexpected(fmt::format("history database {}: {}", path, unit.error()));
  return std::unique_ptr<sqlite_reader>(
      new sqlite_reader(path, std::move(*db), std::move(*buckets), std::move(*unit)));
}

sqlite_reader::sqlite_reader(std::string path, sqlite_connection db, sqlite_statement buckets,
                             sqlite_statement unit)
    : path_(std::move(path)),
      db_(std::move(db)),
      buckets_(std::move(buckets)),
      unit_(std::move(unit)),
      thread_([this] { run(); }) {}

sqlite_reader::~sqlite_reader() { close(); }

void sqlite_reader::submit(series_query q, query_handler done) {
  auto shared_done = std::make_shared<query_handler>(std::move(done));
  // The job owns the query; the handler is shared so that a refusal can still answer it.
  const char* refusal = enqueue([this, q = std::move(q), shared_done] {
    call_handler(*shared_done, answer(q));
  });
  if (refusal != nullptr) (*shared_done)(std::unexpected(std::string(refusal)));
}

void sqlite_reader::submit(activity_query q, activity_handler done) {
  auto shared_done = std::make_shared<activity_handler>(std::move(done));
  const char* refusal = enqueue([this, q = std::move(q), shared_done] {
    call_handler(*shared_done, answer(q));
  });
  if (refusal != nullptr) (*shared_done)(std::unexpected(std::string(refusal)));
}

const char* sqlite_reader::enqueue(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return "history store is closed";
    if (queue_.size() >= queue_limit) return "history store is busy: too many queries waiting";
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return nullptr;
}

void sqlite_reader::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  buckets_ = {};
  unit_ = {};
  db_ = {};
}

void sqlite_reader::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return !queue_.empty() || stopping_; });
    if (queue_.empty()) return;  // stopping, and everything submitted is answered
    auto job = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    job();
    lock.lock();
  }
}

void sqlite_reader::bind_series(sqlite_statement& stmt, const series_query& q) {
  stmt.bind(1, q.device);
  stmt.bind(2, q.metric);
  stmt.bind(3, q.subject);
  stmt.bind(4, static_cast<std::int64_t>(core::to_epoch_ms(q.from)));
  stmt.bind(5, static_cast<std::int64_t>(core::to_epoch_ms(q.to)));
}

query_result sqlite_reader::answer(const series_query& q) {
  if (q.step <= core::duration::zero()) {
    return std::unexpected(fmt::format("step must be positive, got {} ms", q.step.count()));
  }
  series out{q.device, q.metric, q.subject, {}, {}};
  if (q.from >= q.to) return out;

  // Both statements in one read transaction: the buckets and the unit come from one snapshot.
  if (auto r = db_.exec("BEGIN"); !r) {
    return std::unexpected(fmt::format("history query on {} failed: {}", path_, r.error()));
  }
  auto fail = [&](sqlite_statement& stmt) -> query_result {
    std::string message = db_.last_error();
    stmt.reset();
    (void)db_.exec("ROLLBACK");
    return std::unexpected(fmt::format("history query on {} failed: {}", path_, message));
  };

  bind_series(buckets_, q);
  buckets_.bind(6, static_cast<std::int64_t>(q.step.count()));
  int rc;
  while ((rc = buckets_.step()) == SQLITE_ROW) {
    out.buckets.push_back(bucket{core::from_epoch_ms(buckets_.int64_at(0)),
                                 optional_double(buckets_, 1), optional_double(buckets_, 2),
                                 optional_double(buckets_, 3), buckets_.int64_at(4)});
  }
  if (rc != SQLITE_DONE) return fail(buckets_);
  buckets_.reset();

  bind_series(unit_, q);
  rc = unit_.step();
  if (rc == SQLITE_ROW) {
    out.unit = unit_.text_at(0);
  } else if (rc != SQLITE_DONE) {
    return fail(unit_);
  }
  unit_.reset();
  (void)db_.exec("COMMIT");
  return out;
}

activity_result sqlite_reader::answer(const activity_query& q) {
  if (q.step <= core::duration::zero()) {
    return std::unexpected(fmt::format("step must be positive, got {} ms", q.step.count()));
  }
  std::vector<device_activity> out;
  if (q.from >= q.to) return out;

  // Prepared per query: the device filter's length varies, and preparing costs microseconds
  // against a scan of up to millions of rows.
  std::string filter;
  for (std::size_t i = 0; i < q.devices.size(); ++i)
    filter += fmt::format("{}?{}", i == 0 ? " AND +device IN (" : ", ", i + 3);
  if (!filter.empty()) filter += ")";
  auto stmt = db_.prepare(fmt::format(fmt::runtime(activity_sql), filter));
  if (!stmt) return std::unexpected(fmt::format("history activity on {}: {}", path_, stmt.error()));
  stmt->bind(1, static_cast<std::int64_t>(core::to_epoch_ms(q.from)));
  stmt->bind(2, static_cast<std::int64_t>(core::to_epoch_ms(q.to)));
  for (std::size_t i = 0; i < q.devices.size(); ++i)
    stmt->bind(static_cast<int>(i) + 3, q.devices[i]);  // q outlives the statement's steps

  // Counted here rather than with GROUP BY: SQLite groups by sorting every row in a temporary
  // B-tree, which took 2.7 times the CPU of this one pass on a month of minute data (README).
  // std::map orders devices as std::string compares them (bytes), as the contract says.
  const std::int64_t step = q.step.count();
  std::map<std::string, std::map<std::int64_t, std::int64_t>> counts;
  int rc;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    const std::int64_t ts = stmt->int64_at(1);
    std::int64_t into = ts % step;  // floored, so buckets before 1970 align too
    if (into < 0) into += step;
    ++counts[stmt->text_at(0)][ts - into];
  }
  if (rc != SQLITE_DONE) {
    return std::unexpected(
        fmt::format("history activity on {} failed: {}", path_, db_.last_error()));
  }
  out.reserve(counts.size());
  for (auto& [device, buckets] : counts) {
    device_activity d{device, {}};
    d.buckets.reserve(buckets.size());
    for (const auto& [start, n] : buckets)
      d.buckets.push_back(activity_bucket{core::from_epoch_ms(start), n});
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace campus::history
