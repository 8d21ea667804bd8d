#include "history/sqlite/sqlite_statement.hpp"

#include <sqlite3.h>

#include <utility>

namespace campus::history {

sqlite_statement::~sqlite_statement() { sqlite3_finalize(stmt_); }

sqlite_statement::sqlite_statement(sqlite_statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)) {}

sqlite_statement& sqlite_statement::operator=(sqlite_statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void sqlite_statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void sqlite_statement::bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }

void sqlite_statement::bind(int index, std::string_view text) {
  // SQLITE_STATIC: the caller keeps the text alive until reset() (see the header).
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void sqlite_statement::bind_null(int index) { sqlite3_bind_null(stmt_, index); }

int sqlite_statement::step() { return sqlite3_step(stmt_); }

void sqlite_statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool sqlite_statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t sqlite_statement::int64_at(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double sqlite_statement::double_at(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string sqlite_statement::text_at(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

}  // namespace campus::history
