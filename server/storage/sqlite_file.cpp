#include "storage/sqlite_file.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <utility>

namespace campus::storage {

namespace {

constexpr int busy_timeout_ms = 5000;

}  // namespace

std::expected<sqlite_file, std::string> sqlite_file::open(std::string label,
                                                          const std::string& path, journal mode) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return std::unexpected(fmt::format("cannot open {} {}: {}", label, path, message));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  sqlite_file out(db, std::move(label), path);
  if (mode == journal::wal_full) {
    if (auto r = out.use_wal_full(); !r) return std::unexpected(r.error());
  }
  return out;
}

sqlite_file::~sqlite_file() { sqlite3_close(db_); }

sqlite_file::sqlite_file(sqlite_file&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      label_(std::move(other.label_)),
      path_(std::move(other.path_)) {}

sqlite_file& sqlite_file::operator=(sqlite_file&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = std::exchange(other.db_, nullptr);
    label_ = std::move(other.label_);
    path_ = std::move(other.path_);
  }
  return *this;
}

std::expected<void, std::string> sqlite_file::use_wal_full() {
  return exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;");
}

std::expected<void, std::string> sqlite_file::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return std::unexpected(fmt::format("{} {}: {}", label_, path_, text));
  }
  return {};
}

std::string sqlite_file::failure(std::string_view what) const {
  return fmt::format("{} {}: {}: {}", label_, path_, what, sqlite3_errmsg(db_));
}

}  // namespace campus::storage
