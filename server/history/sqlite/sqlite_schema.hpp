// The history database's layout, and bringing a file up to it. Version 2:
//
//   readings(ts INTEGER NOT NULL,   -- epoch milliseconds
//            site, zone, device, metric TEXT,
//            subject TEXT NOT NULL DEFAULT '',  -- '' when the reading has no subject
//            unit TEXT,
//            num REAL,      -- the value of a numeric reading, else NULL
//            state TEXT)    -- the value of a state reading, else NULL
//   unique index (device, metric, subject, ts)  -- every series query is one range scan of
//                                         it; a reading stored twice is one row (version 2)
//   index (ts)                            -- retention finds the oldest rows without a scan
//
// `PRAGMA user_version` holds the version so that a later step can migrate.
#pragma once

#include <expected>
#include <string>

#include "history/sqlite/sqlite_connection.hpp"

namespace campus::history {

inline constexpr int sqlite_schema_version = 2;

// Switches the file to WAL with synchronous=FULL and creates the schema when the file is new.
// Fails (naming `path`) on a file from a newer version or one that is not a database.
std::expected<void, std::string> prepare_sqlite_schema(sqlite_connection& db,
                                                       const std::string& path);

}  // namespace campus::history
