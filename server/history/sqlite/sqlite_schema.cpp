#include "history/sqlite/sqlite_schema.hpp"

#include <fmt/format.h>

namespace campus::history {

namespace {

// IF NOT EXISTS: two processes opening a new file at once both succeed.
constexpr const char* create_v1 = R"sql(
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
CREATE INDEX IF NOT EXISTS readings_by_series ON readings(device, metric, subject, ts);
CREATE INDEX IF NOT EXISTS readings_by_ts ON readings(ts);
PRAGMA user_version = 1;
COMMIT;
)sql";

}  // namespace

std::expected<void, std::string> prepare_sqlite_schema(sqlite_connection& db,
                                                       const std::string& path) {
  auto fail = [&](const std::string& what, const std::string& message) {
    return std::unexpected(fmt::format("history database {}: {}: {}", path, what, message));
  };

  // WAL: the reader thread's queries run while the writer commits. synchronous=NORMAL in WAL
  // syncs at checkpoints, not at every commit: a committed batch survives a crash of this
  // process; a power cut may lose the last moments but never corrupts the file.
  auto journal = db.query_text("PRAGMA journal_mode=WAL");
  if (!journal) return fail("cannot read it", journal.error());
  if (*journal != "wal") return fail("cannot switch to WAL", "journal_mode is " + *journal);
  if (auto r = db.exec("PRAGMA synchronous=NORMAL"); !r)
    return fail("PRAGMA synchronous", r.error());

  auto version = db.query_text("PRAGMA user_version");
  if (!version) return fail("cannot read schema version", version.error());
  const int found = std::atoi(version->c_str());
  if (found > sqlite_schema_version) {
    return fail("schema version " + *version,
                fmt::format("this build knows version {} only", sqlite_schema_version));
  }
  if (found < sqlite_schema_version) {
    if (auto r = db.exec(create_v1); !r) {
      if (db.in_transaction()) (void)db.exec("ROLLBACK");
      return fail("cannot create schema", r.error());
    }
  }
  return {};
}

}  // namespace campus::history
