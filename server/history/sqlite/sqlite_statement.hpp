// A prepared SQLite statement, owned: finalised when destroyed. Used by one thread at a time
// (the thread that owns its connection).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3_stmt;

namespace campus::history {

class sqlite_statement {
 public:
  sqlite_statement() = default;
  explicit sqlite_statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~sqlite_statement();
  sqlite_statement(sqlite_statement&& other) noexcept;
  sqlite_statement& operator=(sqlite_statement&& other) noexcept;
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;

  // Parameters are numbered from 1, as in SQLite. Text is not copied: it must stay alive
  // until the next reset(), which every caller does right after stepping.
  void bind(int index, std::int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view text);
  void bind_null(int index);

  // SQLITE_ROW, SQLITE_DONE or an error code (the message is on the connection).
  int step();
  // Ready to run again; bindings are cleared.
  void reset();

  // Columns are numbered from 0.
  bool is_null(int column) const;
  std::int64_t int64_at(int column) const;
  double double_at(int column) const;
  std::string text_at(int column) const;

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace campus::history
