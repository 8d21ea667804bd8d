#include "history/sqlite/sqlite_connection.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <utility>

namespace campus::history {

namespace {
// A writer waits this long for a lock held by another process (a backfill, the sqlite3 shell)
// before a call fails with SQLITE_BUSY; the writer then retries with backoff.
constexpr int busy_timeout_ms = 5000;
}  // namespace

std::expected<sqlite_connection, std::string> sqlite_connection::open(const std::string& path,
                                                                      mode m) {
  const int flags =
      (m == mode::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX;  // one thread per connection: SQLite needs no mutex
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return std::unexpected(fmt::format("cannot open history database {}: {}", path, message));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return sqlite_connection(db);
}

sqlite_connection::~sqlite_connection() { sqlite3_close(db_); }

sqlite_connection::sqlite_connection(sqlite_connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)) {}

sqlite_connection& sqlite_connection::operator=(sqlite_connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

std::expected<void, std::string> sqlite_connection::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : last_error();
    sqlite3_free(message);
    return std::unexpected(std::move(text));
  }
  return {};
}

std::expected<std::string, std::string> sqlite_connection::query_text(const std::string& sql) {
  auto stmt = prepare(sql);
  if (!stmt) return std::unexpected(stmt.error());
  const int rc = stmt->step();
  if (rc == SQLITE_ROW) return stmt->text_at(0);
  if (rc == SQLITE_DONE) return std::string{};
  return std::unexpected(last_error());
}

std::expected<sqlite_statement, std::string> sqlite_connection::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &stmt, nullptr) != SQLITE_OK) {
    return std::unexpected(last_error());
  }
  return sqlite_statement(stmt);
}

std::string sqlite_connection::last_error() const {
  return db_ != nullptr ? sqlite3_errmsg(db_) : "no connection";
}

int sqlite_connection::changes() const { return sqlite3_changes(db_); }

bool sqlite_connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace campus::history
