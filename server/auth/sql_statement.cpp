#include "auth/sql_statement.hpp"

#include <sqlite3.h>

namespace campus::auth {

sql_statement::sql_statement(sqlite3* db, std::string_view sql) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
}

sql_statement::~sql_statement() { sqlite3_finalize(stmt_); }

void sql_statement::bind(int index, std::int64_t value) { sqlite3_bind_int64(stmt_, index, value); }

void sql_statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void sql_statement::bind(int index, core::time_point t) {
  bind(index, static_cast<std::int64_t>(core::to_epoch_ms(t)));
}

int sql_statement::step() { return sqlite3_step(stmt_); }

std::int64_t sql_statement::int64_at(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string sql_statement::text_at(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

core::time_point sql_statement::time_at(int column) const {
  return core::from_epoch_ms(int64_at(column));
}

}  // namespace campus::auth
