// A prepared SQLite statement for users.db, finalised when destroyed, used only while the
// store's mutex is held. Text is bound with SQLITE_TRANSIENT (copied): callers bind temporaries.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/reading.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace campus::auth {

class sql_statement {
 public:
  // Null statement on failure; the message is on the connection (sqlite3_errmsg).
  sql_statement(sqlite3* db, std::string_view sql);
  ~sql_statement();
  sql_statement(const sql_statement&) = delete;
  sql_statement& operator=(const sql_statement&) = delete;

  explicit operator bool() const { return stmt_ != nullptr; }

  // Parameters are numbered from 1, as in SQLite.
  void bind(int index, std::int64_t value);
  void bind(int index, std::string_view text);
  void bind(int index, core::time_point t);  // epoch ms

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();

  // Columns are numbered from 0.
  std::int64_t int64_at(int column) const;
  std::string text_at(int column) const;
  core::time_point time_at(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace campus::auth
