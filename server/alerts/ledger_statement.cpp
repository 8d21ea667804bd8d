#include "alerts/ledger_statement.hpp"

#include <sqlite3.h>

#include <utility>

namespace campus::alerts {

ledger_statement::ledger_statement(sqlite3* db, std::string_view sql) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
}

ledger_statement::~ledger_statement() { sqlite3_finalize(stmt_); }

ledger_statement::ledger_statement(ledger_statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)) {}

ledger_statement& ledger_statement::operator=(ledger_statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

void ledger_statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
}

void ledger_statement::bind(int index, double value) { sqlite3_bind_double(stmt_, index, value); }

void ledger_statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void ledger_statement::bind(int index, std::optional<core::time_point> t) {
  if (t) {
    bind(index, static_cast<std::int64_t>(core::to_epoch_ms(*t)));
  } else {
    bind_null(index);
  }
}

void ledger_statement::bind_null(int index) { sqlite3_bind_null(stmt_, index); }

int ledger_statement::step() { return sqlite3_step(stmt_); }

void ledger_statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool ledger_statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t ledger_statement::int64_at(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

double ledger_statement::double_at(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::string ledger_statement::text_at(int column) const {
  const auto* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<core::time_point> ledger_statement::time_at(int column) const {
  if (is_null(column)) return std::nullopt;
  return core::from_epoch_ms(int64_at(column));
}

}  // namespace campus::alerts
