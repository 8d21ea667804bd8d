// One SQLite connection, owned: closed when destroyed. A connection is used by exactly one
// thread (the store's writer or its reader), so no locking is needed around it.
#pragma once

#include <expected>
#include <string>

#include "history/sqlite/sqlite_statement.hpp"

struct sqlite3;

namespace campus::history {

class sqlite_connection {
 public:
  enum class mode { read_write_create, read_only };

  // Errors name the path and carry SQLite's message.
  static std::expected<sqlite_connection, std::string> open(const std::string& path, mode m);

  sqlite_connection() = default;
  ~sqlite_connection();
  sqlite_connection(sqlite_connection&& other) noexcept;
  sqlite_connection& operator=(sqlite_connection&& other) noexcept;
  sqlite_connection(const sqlite_connection&) = delete;
  sqlite_connection& operator=(const sqlite_connection&) = delete;

  // Runs one or more statements that return no rows the caller needs.
  std::expected<void, std::string> exec(const std::string& sql);
  // Runs a statement returning one integer (e.g. `PRAGMA user_version`) or a text (journal_mode).
  std::expected<std::string, std::string> query_text(const std::string& sql);

  std::expected<sqlite_statement, std::string> prepare(const std::string& sql);

  // SQLite's message for the last failed call on this connection.
  std::string last_error() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int changes() const;
  // True while a transaction is open (BEGIN without COMMIT/ROLLBACK yet).
  bool in_transaction() const;

 private:
  explicit sqlite_connection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace campus::history
