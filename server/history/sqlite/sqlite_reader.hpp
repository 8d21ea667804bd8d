// Answers series and activity queries from the history database on a thread of its own, with its own
// read-only connection: in WAL mode a query reads a consistent snapshot while the writer
// commits, and a slow query never holds up ingest.
#pragma once

#include <condition_variable>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "history/history_store.hpp"
#include "history/sqlite/sqlite_connection.hpp"

namespace campus::history {

class sqlite_reader {
 public:
  // Queries waiting beyond this are refused at once with an error rather than queued: a
  // dashboard that asks faster than the disk answers gets told, memory stays bounded.
  static constexpr std::size_t queue_limit = 1'000;

  // Opens `path` read-only; the writer must have created the file and its schema.
  static std::expected<std::unique_ptr<sqlite_reader>, std::string> open(const std::string& path);

  ~sqlite_reader();
  sqlite_reader(const sqlite_reader&) = delete;
  sqlite_reader& operator=(const sqlite_reader&) = delete;

  // Queries run in the order submitted; `done` is called once, on the reader thread (or on the
  // caller's thread when the query is refused).
  void submit(series_query q, query_handler done);
  void submit(activity_query q, activity_handler done);

  // Answers the queries already submitted, then stops the thread. Safe to call twice.
  void close();

 private:
  sqlite_reader(std::string path, sqlite_connection db, sqlite_statement buckets,
                sqlite_statement unit);

  // Queues `job` (which answers its own handler); the refusal when it cannot be queued.
  const char* enqueue(std::function<void()> job);
  void run();
  query_result answer(const series_query& q);
  activity_result answer(const activity_query& q);
  // Binds device, metric, subject, from, to as ?1..?5.
  static void bind_series(sqlite_statement& stmt, const series_query& q);

  const std::string path_;
  sqlite_connection db_;      // the reader thread's alone
  sqlite_statement buckets_;  // prepared once, reused for every query
  sqlite_statement unit_;

  std::mutex mutex_;  // guards queue_, stopping_, closed_
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;  // each job runs one query and calls its handler
  bool stopping_ = false;
  bool closed_ = false;

  std::thread thread_;  // last: starts once every member above is ready
};

}  // namespace campus::history
