#include "history/sqlite/sqlite_schema.hpp"

#include <fmt/format.h>

#include "core/log.hpp"

namespace campus::history {

namespace {

// IF NOT EXISTS, and a migration that can run twice: two processes opening a file at once
// both succeed. Version 2 makes the series index unique, so that a reading stored twice (a
// QoS 1 redelivery, a message the crash journal replays) is one row: the writer inserts OR
// IGNORE. It costs nothing on insert (the index was walked anyway). A version 1 file keeps
// the first row of each duplicate; on a large file the migration reads the whole index once.
constexpr const char* create_v2 = R"sql(
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS readings(
  ts INTEGER NOT NULL,
  site TEXT,
  zone TEXT,
  device TEXT,
  metric TEXT,
  subject TEXT NOT NULL DEFAULT '',
  unit TEXT,
  num REAL,
  state TEXT);
DELETE FROM readings WHERE rowid NOT IN
  (SELECT min(rowid) FROM readings GROUP BY device, metric, subject, ts);
DROP INDEX IF EXISTS readings_by_series;
CREATE UNIQUE INDEX readings_by_series ON readings(device, metric, subject, ts);
CREATE INDEX IF NOT EXISTS readings_by_ts ON readings(ts);
PRAGMA user_version = 2;
COMMIT;
)sql";

}  // namespace

std::expected<void, std::string> prepare_sqlite_schema(sqlite_connection& db,
                                                       const std::string& path) {
  auto fail = [&](const std::string& what, const std::string& message) {
    return std::unexpected(fmt::format("history database {}: {}: {}", path, what, message));
  };

  // WAL: the reader thread's queries run while the writer commits. synchronous=FULL: each
  // commit is fsync'ed, so what when_durable() reports survives a power cut too — the crash
  // journal deletes its segments on that word. NORMAL would sync only at checkpoints (up to
  // some 4 MB of readings lost to a power cut after the journal let them go). Group commit
  // keeps it to about ten fsyncs a second at most.
  auto journal = db.query_text("PRAGMA journal_mode=WAL");
  if (!journal) return fail("cannot read it", journal.error());
  if (*journal != "wal") return fail("cannot switch to WAL", "journal_mode is " + *journal);
  if (auto r = db.exec("PRAGMA synchronous=FULL"); !r)
    return fail("PRAGMA synchronous", r.error());

  auto version = db.query_text("PRAGMA user_version");
  if (!version) return fail("cannot read schema version", version.error());
  const int found = std::atoi(version->c_str());
  if (found > sqlite_schema_version) {
    return fail("schema version " + *version,
                fmt::format("this build knows version {} only", sqlite_schema_version));
  }
  if (found < sqlite_schema_version) {
    if (found > 0)
      core::log(core::log_level::info, "history database {}: schema {} → {}", path, found,
                sqlite_schema_version);
    if (auto r = db.exec(create_v2); !r) {
      if (db.in_transaction()) (void)db.exec("ROLLBACK");
      return fail("cannot create schema", r.error());
    }
  }
  return {};
}

}  // namespace campus::history
