#include "history/sqlite/sqlite_history_store.hpp"

namespace campus::history {

std::expected<std::unique_ptr<sqlite_history_store>, std::string> sqlite_history_store::open(
    const std::string& path, core::duration retention, core::metrics& metrics,
    const core::clock& clock, backpressure marks) {
  metrics.describe("campus_history_points_written_total", "counter",
                   "Readings committed to the history database.");
  metrics.describe("campus_history_queue_depth", "gauge",
                   "Readings waiting to be written to the history database.");
  metrics.describe("campus_history_dropped_total", "counter",
                   "Readings not stored: appended after close, or given up at close.");
  metrics.describe("campus_history_write_errors_total", "counter",
                   "Failed history writes (each retried) and failed retention deletes.");

  // The writer first: it creates the file and the schema the reader's connection expects.
  auto writer = sqlite_writer::open(path, retention, metrics, clock, marks);
  if (!writer) return std::unexpected(writer.error());
  auto reader = sqlite_reader::open(path);
  if (!reader) return std::unexpected(reader.error());
  return std::unique_ptr<sqlite_history_store>(
      new sqlite_history_store(std::move(*writer), std::move(*reader)));
}

sqlite_history_store::sqlite_history_store(std::unique_ptr<sqlite_writer> writer,
                                           std::unique_ptr<sqlite_reader> reader)
    : writer_(std::move(writer)), reader_(std::move(reader)) {}

sqlite_history_store::~sqlite_history_store() { close(); }

void sqlite_history_store::append(std::span<const core::reading> readings) {
  writer_->push(readings);
}

void sqlite_history_store::query(series_query q, query_handler done) {
  reader_->submit(std::move(q), std::move(done));
}

void sqlite_history_store::activity(activity_query q, activity_handler done) {
  reader_->submit(std::move(q), std::move(done));
}

void sqlite_history_store::flush() { writer_->flush(); }

void sqlite_history_store::when_durable(std::function<void()> done) {
  writer_->when_committed(std::move(done));
}

void sqlite_history_store::close() {
  // Writer first, so that the queries already submitted see everything appended before close.
  writer_->close();
  reader_->close();
}

}  // namespace campus::history
