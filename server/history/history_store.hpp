// Where readings are kept, and how they are read back by the bureau: the interface both
// backends implement (SQLite embedded, InfluxDB over line protocol).
//
// Every call returns at once. A backend owns its own thread(s) so that neither the ingest loop
// nor an HTTP session ever waits on a disk or a database.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/reading.hpp"

namespace campus::history {

// One step of a series: the readings whose ts falls in [start, start + step).
// For state metrics (door open/closed) only `count` is meaningful; min/mean/max are nullopt.
struct bucket {
  core::time_point start;
  std::optional<double> min;
  std::optional<double> mean;
  std::optional<double> max;
  std::int64_t count = 0;
};

struct series_query {
  std::string device;
  std::string metric;
  std::string subject;        // a beacon tag id; empty: readings without a subject
  core::time_point from;      // inclusive
  core::time_point to;        // exclusive
  core::duration step{60'000};
};

// Buckets are in time order; steps without readings are left out.
struct series {
  std::string device;
  std::string metric;
  std::string subject;
  std::string unit;           // of the newest reading in range; empty when none
  std::vector<bucket> buckets;
};

using query_result = std::expected<series, std::string>;
// Called once, on a thread of the store's choosing: callers post to their own executor.
using query_handler = std::function<void(query_result)>;

// How many readings each device stored per step: the bureau's availability and compliance
// figures. Every reading counts (all metrics and subjects, numbers and states alike).
struct activity_query {
  core::time_point from;             // inclusive
  core::time_point to;               // exclusive
  core::duration step{3'600'000};    // bucket width; starts align to multiples since the epoch
  std::vector<std::string> devices;  // empty: every device
};

// The readings whose ts falls in [start, start + step) and in [from, to). With `from` not on a
// step boundary the first bucket still starts at the boundary before it (and counts less).
struct activity_bucket {
  core::time_point start;
  std::int64_t readings = 0;
};

// Buckets in time order, only those with at least one reading.
struct device_activity {
  std::string device;
  std::vector<activity_bucket> buckets;
};

// Devices sorted by id (byte order); a device without any reading in range is absent.
using activity_result = std::expected<std::vector<device_activity>, std::string>;
// Called once, on a thread of the store's choosing, like query_handler.
using activity_handler = std::function<void(activity_result)>;

// When a store counts as behind (docs/reliability.md, "Overload"): with more than `high_water`
// readings appended and not yet stored it is behind, and it stays so until at most
// `low_water` wait. While a store is behind the server reads nothing more from the broker,
// which keeps the backlog for the persistent session: the store never drops a reading to keep
// its memory bounded.
struct backpressure {
  std::size_t high_water = 100'000;
  std::size_t low_water = 50'000;
};

// How far behind a store is, for readiness and metrics.
struct store_lag {
  std::uint64_t waiting = 0;  // appended, not yet stored (InfluxDB: in memory or spooled)
  bool behind = false;        // see backpressure
  std::string reason;         // why behind() holds, when it is not the readings in memory
                              // (InfluxDB: the spool nearly full); empty otherwise
  std::string write_error;    // the last write error while writes fail; empty once one works
};

class history_store {
 public:
  virtual ~history_store() = default;

  // Takes readings for storage, in order. Never blocks on I/O: readings are queued and written
  // by the store's own thread; what cannot be written now waits (InfluxDB: in a disk spool).
  // Never drops a reading to bound memory: the caller stops taking readings while behind().
  virtual void append(std::span<const core::reading> readings) = 0;

  // Runs a query off the caller's thread and calls `done` with the result or an error message.
  virtual void query(series_query q, query_handler done) = 0;

  // Counts readings per device and step, off the caller's thread; `done` is called once with
  // the result or an error message. Sees what the backend has stored, not what still waits
  // in its queue (InfluxDB: its memory batches and disk spool).
  virtual void activity(activity_query q, activity_handler done) = 0;

  // True while the store is behind (see backpressure). Any thread; one atomic load, so the
  // ingest loop asks after every message.
  virtual bool behind() const { return false; }

  // The details behind behind(), and the last write error. Any thread.
  virtual store_lag lag() const { return {}; }

  // Calls `done` once every reading appended before this call is committed (SQLite) or written
  // to the database or spooled to disk (InfluxDB), or given up for good: what survives a crash
  // of this process. The crash journal deletes what this covers. Any thread; `done` runs once,
  // on a thread of the store's choosing (possibly the caller's, before this returns), and
  // must not block or call the store.
  virtual void when_durable(std::function<void()> done) = 0;

  // Writes (or spools) everything queued and stops the store's threads. Blocks until done;
  // called at shutdown, after the ingest loop has stopped. Safe to call twice.
  virtual void close() = 0;
};

}  // namespace campus::history
