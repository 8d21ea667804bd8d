// The history phase (issue 7's last target): how many points/s the server's InfluxDB writer
// (history/influx/influx_history_store) gets into InfluxDB, against what the same influxd
// accepts from a plain client posting the same 5000-point batches.
//
// Both halves write the reading deck's readings over and over, each pass shifted by the
// deck's time span so no point overwrites an earlier one, into a database of their own,
// encoded by the project's own line protocol encoder (so the bytes are identical):
//   plain   one thread encodes 5000-point bodies (at most two ahead), another posts them on
//           one keep-alive connection, the next as soon as InfluxDB answers.
//   writer  the store, opened as history/open_history.cpp opens it, in this process; one
//           thread appends message by message as the ingest pipeline does, flat out except
//           that it waits while the store already holds `writer_backlog` points in memory
//           (so the feeder, like the plain client's encoder, never takes CPU from influxd for
//           readings nobody can write yet, and the store stays in direct mode instead of its
//           overload path, the disk spool). Its flush interval is set past the run, so every
//           POST holds a full batch as the plain client's do. Its rate is the points it
//           reports written, over the time from the first append until everything appended
//           is written.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <string>

#include "bench/reading_deck.hpp"

namespace campus::bench {

class history_comparison {
 public:
  static constexpr std::size_t batch_points = 5000;    // the writer's default batch_size
  static constexpr std::int64_t writer_backlog = 4 * batch_points;

  struct half {
    double points_per_s = 0;
    std::uint64_t points = 0;        // accepted by InfluxDB (plain) / reported written (writer)
    std::uint64_t offered = 0;       // posted (plain) / appended (writer)
    std::uint64_t batches = 0;       // plain: POSTs answered
    std::uint64_t failed = 0;        // plain: points of answers other than 204
    std::uint64_t rejected = 0;      // writer: campus_history_points_rejected_total
    std::uint64_t spooled_bytes = 0; // writer: the most its spool held
    std::uint64_t write_errors = 0;  // writer: campus_history_write_errors_total
    double seconds = 0;
  };

  // `influx_url`: http://127.0.0.1:PORT of a running influxd; `dir`: for the writer's spool.
  history_comparison(const reading_deck& deck, std::string influx_url, std::filesystem::path dir);

  std::expected<half, std::string> plain(const std::string& database, std::chrono::milliseconds duration);
  std::expected<half, std::string> writer(const std::string& database, std::chrono::milliseconds duration);

 private:
  const reading_deck& deck_;
  std::string url_;
  int port_ = 0;
  std::filesystem::path dir_;
};

}  // namespace campus::bench
