// The notice board's SQLite file: `notices` (one row per notice, never changed), `reads` (one
// row per school and reader, at most once) and `sms` (one row per outcome), all append-only.
// WAL journal with synchronous=FULL, so a change is on disk when its call returns. Owned and
// used by exactly one thread (the board's worker).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "notice/notice.hpp"
#include "notice/notice_error.hpp"
#include "storage/sqlite_file.hpp"

namespace campus::notice {

class notice_database {
 public:
  // Opens (creating) the file and its schema. Errors name the path.
  static notice_result<notice_database> open(const std::string& path);

  notice_database() = default;
  ~notice_database() = default;
  notice_database(notice_database&& other) noexcept = default;
  notice_database& operator=(notice_database&& other) noexcept = default;
  notice_database(const notice_database&) = delete;
  notice_database& operator=(const notice_database&) = delete;

  // Every notice with its readers and SMS outcomes, oldest first.
  notice_result<std::vector<notice>> load_all();

  // Inserts the notice (its readers and outcomes are not read); sets its id once committed.
  notice_result<void> insert(notice& n);
  // Records the readers of notice `id` in one transaction; a (site, user) already recorded is
  // kept as it was.
  notice_result<void> add_readers(std::int64_t id, const std::vector<notice_reader>& readers);
  notice_result<void> add_sms(std::int64_t id, const notice_sms& outcome);

 private:
  explicit notice_database(storage::sqlite_file file) : file_(std::move(file)) {}
  // The file's messages, as storage errors.
  notice_error failure(std::string_view what) const;
  notice_result<void> exec(const char* sql);

  storage::sqlite_file file_;
};

}  // namespace campus::notice
