// An open SQLite file, owned (closed when destroyed), used by one thread at a time: the
// connection is opened without SQLite's own mutex, so its owner serialises every call (a
// worker thread, or a mutex of its own). Every message names the file by its label and path
// ("ledger /var/lib/campus/ledger.db: …"), so the store that wraps it can pass it on as is.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

struct sqlite3;

namespace campus::storage {

class sqlite_file {
 public:
  // How far a commit is durable when it returns.
  enum class journal {
    // WAL with synchronous=FULL: in WAL mode NORMAL may lose the last commits on power loss,
    // and every store here promises that what a caller was told about is on disk.
    wal_full,
    // Left as SQLite opens it; the owner calls use_wal_full() once it is ready (user_store
    // first restricts the file's mode, which the WAL files then inherit).
    unchanged,
  };

  // Opens (creating) `path`, with extended result codes and a busy timeout (another process,
  // the sqlite3 shell or the CLI, may hold the lock briefly). `label` names the file in
  // messages: "cannot open <label> <path>: <reason>".
  static std::expected<sqlite_file, std::string> open(std::string label, const std::string& path,
                                                      journal mode = journal::wal_full);

  sqlite_file() = default;  // no file: handle() is null
  ~sqlite_file();
  sqlite_file(sqlite_file&& other) noexcept;
  sqlite_file& operator=(sqlite_file&& other) noexcept;
  sqlite_file(const sqlite_file&) = delete;
  sqlite_file& operator=(const sqlite_file&) = delete;

  std::expected<void, std::string> use_wal_full();

  // Runs one or more statements; the error is "<label> <path>: <reason>".
  std::expected<void, std::string> exec(const char* sql);
  // "<label> <path>: <what>: <the connection's last error>", for a failed statement.
  std::string failure(std::string_view what) const;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite_file(sqlite3* db, std::string label, std::string path)
      : db_(db), label_(std::move(label)), path_(std::move(path)) {}

  sqlite3* db_ = nullptr;
  std::string label_;
  std::string path_;
};

}  // namespace campus::storage
