// A prepared SQLite statement, owned (finalised when destroyed), used only by the thread that
// owns its connection. Binding copies text (SQLITE_TRANSIENT): callers bind temporaries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/reading.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace campus::alerts {

class ledger_statement {
 public:
  // Null statement on failure; the message is on the connection (sqlite3_errmsg).
  ledger_statement(sqlite3* db, std::string_view sql);
  ~ledger_statement();
  ledger_statement(ledger_statement&& other) noexcept;
  ledger_statement& operator=(ledger_statement&& other) noexcept;
  ledger_statement(const ledger_statement&) = delete;
  ledger_statement& operator=(const ledger_statement&) = delete;

  explicit operator bool() const { return stmt_ != nullptr; }

  // Parameters are numbered from 1, as in SQLite.
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view text);
  void bind(int index, std::optional<core::time_point> t);  // epoch ms, or NULL
  void bind_null(int index);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  void reset();

  // Columns are numbered from 0.
  bool is_null(int column) const;
  std::int64_t int64_at(int column) const;
  double double_at(int column) const;
  std::string text_at(int column) const;
  std::optional<core::time_point> time_at(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace campus::alerts
