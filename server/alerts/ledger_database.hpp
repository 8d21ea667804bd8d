// The ledger's SQLite file: two tables, `entries` (one row per hazard, updated in place) and
// `transitions` (append-only). WAL journal with synchronous=FULL, so a change is on disk when
// store() returns. Owned and used by exactly one thread (the ledger's worker).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "alerts/ledger_entry.hpp"
#include "alerts/ledger_error.hpp"
#include "alerts/ledger_request.hpp"
#include "alerts/ledger_transition.hpp"
#include "storage/sqlite_file.hpp"

namespace campus::alerts {

class ledger_database {
 public:
  // Opens (creating) the file and its schema. Errors name the path.
  static ledger_result<ledger_database> open(const std::string& path);

  ledger_database() = default;
  ~ledger_database() = default;
  ledger_database(ledger_database&& other) noexcept = default;
  ledger_database& operator=(ledger_database&& other) noexcept = default;
  ledger_database(const ledger_database&) = delete;
  ledger_database& operator=(const ledger_database&) = delete;

  // One transaction: inserts the entry when its id is 0 (then sets the id, also on the
  // transitions), else updates its row; appends the transitions (setting their ids). On error
  // nothing is stored and the caller's copies must be discarded.
  ledger_result<void> store(ledger_entry& e, std::vector<ledger_transition>& ts);

  ledger_result<std::vector<ledger_entry>> load_open();
  ledger_result<std::optional<ledger_entry>> load(std::int64_t id);
  // `now` decides overdue_only; entries come newest raised first.
  ledger_result<ledger_page> query(const ledger_filter& f, core::time_point now);
  ledger_result<std::vector<ledger_transition>> transitions_of(std::int64_t entry_id);
  // The latest raised entry of every site that has one (ties: the higher id), by site.
  ledger_result<std::vector<ledger_entry>> latest_by_site();
  // Entries of `sites` (empty = all) with raised_at < to and (closed_at null or ≥ from), and
  // all their transitions: two statements in one read transaction, whatever the entry count.
  ledger_result<ledger_slice> slice(const std::vector<std::string>& sites, core::time_point from,
                                    core::time_point to);

 private:
  explicit ledger_database(storage::sqlite_file file) : file_(std::move(file)) {}
  // The file's messages, as storage errors.
  ledger_error failure(std::string_view what) const;
  ledger_result<void> exec(const char* sql);
  using sql_param = std::variant<std::string, std::int64_t>;
  // SELECT <entry columns> FROM entries <tail>, binding `params` in order from ?1.
  ledger_result<std::vector<ledger_entry>> select_entries(const std::string& tail,
                                                          const std::vector<sql_param>& params);

  storage::sqlite_file file_;
};

}  // namespace campus::alerts
