// History kept in an embedded SQLite file: the default backend, nothing to install or run.
//
// Two threads, two connections (see README.md): a writer that commits appended readings in
// batches and deletes those past retention, and a reader that answers queries in order while
// the writer works (WAL). append() and query() only queue; neither waits on the disk.
#pragma once

#include <expected>
#include <memory>
#include <span>
#include <string>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "history/history_store.hpp"
#include "history/sqlite/sqlite_reader.hpp"
#include "history/sqlite/sqlite_writer.hpp"

namespace campus::history {

class sqlite_history_store final : public history_store {
 public:
  // Opens (creating) the database file and its folder, switches it to WAL and creates the
  // schema. Errors name the path. `metrics` and `clock` must outlive the store. Readings older
  // than now - `retention` are deleted at open and every hour (never, when not positive).
  // `marks`: when the store counts as behind (history_store.hpp, backpressure).
  static std::expected<std::unique_ptr<sqlite_history_store>, std::string> open(
      const std::string& path, core::duration retention, core::metrics& metrics,
      const core::clock& clock, backpressure marks = {});

  ~sqlite_history_store() override;  // close()

  // Copies the readings into the writer's queue; past the high-water mark behind() turns true
  // and the caller stops feeding it until the writer has caught up.
  void append(std::span<const core::reading> readings) override;

  bool behind() const override { return writer_->behind(); }
  store_lag lag() const override { return writer_->lag(); }

  // Answered on the reader thread, in order of submission; sees every reading committed
  // before it starts (use flush() to wait for the commit of what was appended).
  void query(series_query q, query_handler done) override;

  // Also on the reader thread, in the same order as queries: one range scan of the ts index,
  // counted per device and step as it goes (see README.md for the figures).
  void activity(activity_query q, activity_handler done) override;

  // Blocks until every reading appended before the call is committed and no retention pass
  // is under way. For tests, and for tools (backfill) that must know the data is stored.
  void flush();

  // On the writer's thread once the readings appended before it are committed (a committed
  // transaction is in the WAL: it survives a crash of the process; see docs/reliability.md
  // for a power loss).
  void when_durable(std::function<void()> done) override;

  // Commits everything appended, answers the queries already submitted, stops both threads
  // and closes the file. Later appends are counted as dropped; later queries get an error.
  void close() override;

 private:
  sqlite_history_store(std::unique_ptr<sqlite_writer> writer,
                       std::unique_ptr<sqlite_reader> reader);

  std::unique_ptr<sqlite_writer> writer_;
  std::unique_ptr<sqlite_reader> reader_;
};

}  // namespace campus::history
