// History in InfluxDB 1.x (or anything that speaks its /write and /query, e.g. VictoriaMetrics),
// with a no-loss buffer: what cannot be written now waits in a disk spool, in order.
//
// Threads: append() and query() may be called from any thread. Everything else — timers,
// HTTP, the spool — runs on the store's own io_context and thread, so the ingest loop never
// waits on the network or the disk. append() only encodes and appends to the current batch
// under a mutex; a full batch is handed to the store's thread with one post.
//
// Ordering: batches are written one at a time, oldest first. InfluxDB keeps the last write of
// a point (same series and timestamp), so a reading re-sent with a correction must land after
// the original; and with one batch in flight "everything older than the in-flight batch is
// written" holds at all times, so a failure leaves a clean suffix to spool, in order, with no
// holes to track. Parallel posts would buy throughput we do not need (one POST per second of
// 5000 points is far below what InfluxDB takes).
//
// Failures: 204 is written. A transport error, a timeout, 5xx, 401/403 (fixable by the
// operator) or 429 put the batch, and everything queued after it, in the spool; the spool is
// replayed oldest first with backoff (0.5 s doubling to 4 s, each wait between half and all of
// it, at random), so the replay starts within seconds of the database answering again; while
// it is not empty new batches join it. 404 "database not found" creates the database once and
// retries. Other 4xx are bad points: InfluxDB keeps the valid points of the batch, the store
// logs its message, counts the rejected points and moves on.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "config/district.hpp"
#include "core/log.hpp"
#include "core/metrics.hpp"
#include "history/history_store.hpp"
#include "history/influx/disk_spool.hpp"
#include "history/influx/http_exchange.hpp"

namespace campus::history {

class influx_history_store final : public history_store {
 public:
  // Opens (and replays first) the spool in `spool_dir` and starts the store's thread. Throws
  // std::runtime_error when the URL is not http://host[:port] or the spool cannot be opened:
  // configuration errors fail fast.
  // `marks`: when the store counts as behind (history_store.hpp): readings in memory against
  // the marks, or the spool past 90 % of spool_max_bytes (until below 80 %), since beyond its
  // limit the spool would delete the oldest readings.
  influx_history_store(const config::influx_settings& s, std::string spool_dir, core::metrics& m,
                       backpressure marks = {});
  ~influx_history_store() override;  // close()

  influx_history_store(const influx_history_store&) = delete;
  influx_history_store& operator=(const influx_history_store&) = delete;

  // Never blocks on I/O. Readings InfluxDB cannot hold (non-finite numbers, newlines or
  // unwritable backslashes in names) are counted as rejected and logged (rate-limited).
  // After close() readings are refused the same way.
  void append(std::span<const core::reading> readings) override;

  // InfluxQL over HTTP on the store's thread; `done` runs there. After close(): an error.
  void query(series_query q, query_handler done) override;

  bool behind() const override {
    return memory_behind_.load(std::memory_order_relaxed) ||
           spool_behind_.load(std::memory_order_relaxed);
  }
  store_lag lag() const override;

  // One InfluxQL count grouped by time(step) and device, like query(). Readings still in
  // memory or in the spool are not counted: InfluxDB answers for what it holds.
  void activity(activity_query q, activity_handler done) override;

  // On the store's thread once every reading appended before it is written (or refused by
  // InfluxDB, or refused by the encoder) or in the spool, fdatasync'ed: out of this process's
  // memory. The current batch is sealed within flush_interval, so the answer comes within
  // about that plus one write.
  void when_durable(std::function<void()> done) override;

  // Sends the batches in memory while InfluxDB answers (each within the timeout); at the first
  // failure, or when the spool already holds older batches, spools the rest. Then stops the
  // thread; pending queries finish first. Nothing appended before close() is lost.
  void close() override;

 private:
  struct batch {
    std::string lines;
    std::uint32_t points = 0;
    std::int64_t created_ms = 0;  // wall clock, when its first point arrived
  };
  enum class outcome { written, rejected, retry_later, create_database };

  // All below run on the store's thread.
  void on_tick();
  void take_sealed();
  void pump();
  void send(batch b, bool from_spool);
  void on_write_reply(http_result r);
  outcome classify(const http_result& r);
  void create_database();
  void to_spool(batch b);
  void spool_ready();
  void wait_backoff();
  void begin_close();
  void finish_close();
  void update_gauges();
  // `points` from memory are written, refused or spooled: answers the when_durable now due.
  void settled(std::uint32_t points);
  // Sends one InfluxQL statement to /query (epoch=ms); `answer` runs on the store's thread.
  void start_query(const std::string& statement, std::function<void(http_result)> answer);
  http_exchange::request make_request(boost::beast::http::verb verb, std::string target,
                                      std::string content_type, std::string body) const;
  std::string auth_params() const;

  config::influx_settings settings_;
  std::string host_;
  std::string port_;

  core::metrics::counter& queue_depth_;
  core::metrics::counter& spooled_bytes_;
  core::metrics::counter& oldest_unsent_;
  core::metrics::counter& written_;
  core::metrics::counter& rejected_;
  core::metrics::counter& write_errors_;
  core::metrics::counter& spool_dropped_;
  core::log_rate_limiter reject_log_;

  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer tick_;     // seals the current batch every flush_interval
  boost::asio::steady_timer backoff_;  // before the next replay attempt

  // Shared between append()/query()/close() and the store's thread.
  std::mutex mutex_;
  batch current_;
  std::deque<batch> sealed_;  // full batches not yet taken by the store's thread
  bool closed_ = false;
  std::atomic<std::int64_t> memory_points_{0};  // points not yet written, rejected or spooled
  std::uint64_t appended_points_ = 0;  // into batches, ever (when_durable's target)
  const backpressure marks_;
  std::atomic<bool> memory_behind_{false};  // set by append(), cleared by the store's thread
  std::atomic<bool> spool_behind_{false};   // the store's thread
  std::atomic<std::uint64_t> spooled_points_{0};
  std::atomic<std::uint64_t> spooled_bytes_now_{0};
  mutable std::mutex error_mutex_;
  std::string write_error_;  // the last failure while writes fail; guarded by error_mutex_

  // The store's thread only.
  std::uint64_t settled_points_ = 0;  // of appended_points_, written, refused or spooled (in order)
  std::deque<std::pair<std::uint64_t, std::function<void()>>> durable_waiters_;
  disk_spool spool_;
  std::uint64_t spool_dropped_seen_ = 0;
  std::deque<batch> ready_;  // direct mode: batches waiting for the one in flight
  std::optional<batch> in_flight_;
  bool in_flight_from_spool_ = false;
  bool waiting_backoff_ = false;
  bool database_create_tried_ = false;
  bool closing_ = false;
  bool finished_ = false;
  std::chrono::milliseconds backoff_delay_;
  std::minstd_rand rng_;  // the backoff's jitter

  std::mutex close_mutex_;  // makes close() safe to call twice, from two threads
  std::thread thread_;
};

}  // namespace campus::history
