#include "notice/notice_database.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <map>
#include <utility>

#include "alerts/ledger_statement.hpp"

namespace campus::notice {

namespace {

// The ledger's statement wrapper: the same owned, single-thread prepared statement.
using statement = alerts::ledger_statement;

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS notices (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at INTEGER NOT NULL, author TEXT NOT NULL, author_name TEXT NOT NULL,
  kind TEXT NOT NULL, severity INTEGER, title TEXT NOT NULL, body TEXT NOT NULL,
  sites TEXT NOT NULL, sms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS reads (
  notice_id INTEGER NOT NULL REFERENCES notices(id),
  site TEXT NOT NULL, user TEXT NOT NULL, name TEXT NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (notice_id, site, user)
);
CREATE TABLE IF NOT EXISTS sms (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  notice_id INTEGER NOT NULL REFERENCES notices(id),
  site TEXT NOT NULL, person TEXT NOT NULL, name TEXT NOT NULL,
  outcome TEXT NOT NULL, detail TEXT NOT NULL, at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sms_by_notice ON sms(notice_id, id);
PRAGMA user_version = 1;
)sql";

// Site ids hold no newline (the configuration's ids are words), so a list is one text column.
std::string join_lines(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

notice_result<notice_database> notice_database::open(const std::string& path) {
  // WAL, synchronous=FULL: a notice the bureau was told is sent (201) must still be there
  // after a power loss.
  auto file = storage::sqlite_file::open("notices", path);
  if (!file) return std::unexpected(notice_error{notice_error::code::storage, file.error()});
  notice_database out(std::move(*file));
  if (auto r = out.exec(schema); !r) return std::unexpected(r.error());
  return out;
}

notice_error notice_database::failure(std::string_view what) const {
  return notice_error{notice_error::code::storage, file_.failure(what)};
}

notice_result<void> notice_database::exec(const char* sql) {
  if (auto r = file_.exec(sql); !r) {
    return std::unexpected(notice_error{notice_error::code::storage, std::move(r.error())});
  }
  return {};
}

notice_result<std::vector<notice>> notice_database::load_all() {
  std::vector<notice> out;
  std::map<std::int64_t, std::size_t> index;  // id → position in out
  {
    statement s(file_.handle(),
                "SELECT id, created_at, author, author_name, kind, severity, title, body, sites, "
                "sms FROM notices ORDER BY id");
    if (!s) return std::unexpected(failure("prepare notices"));
    int rc = SQLITE_ROW;
    while ((rc = s.step()) == SQLITE_ROW) {
      notice n;
      n.id = s.int64_at(0);
      n.created_at = s.time_at(1).value_or(core::time_point{});
      n.author = s.text_at(2);
      n.author_name = s.text_at(3);
      n.kind = parse_notice_kind(s.text_at(4)).value_or(notice_kind::other);
      if (!s.is_null(5)) {
        const auto v = s.int64_at(5);
        if (v >= 1 && v <= 4) n.severity = static_cast<core::severity>(v);
      }
      n.title = s.text_at(6);
      n.body = s.text_at(7);
      n.sites = split_lines(s.text_at(8));
      n.sms = s.int64_at(9) != 0;
      index[n.id] = out.size();
      out.push_back(std::move(n));
    }
    if (rc != SQLITE_DONE) return std::unexpected(failure("read notices"));
  }
  {
    statement s(file_.handle(),
                "SELECT notice_id, site, user, name, at FROM reads ORDER BY at, rowid");
    if (!s) return std::unexpected(failure("prepare reads"));
    int rc = SQLITE_ROW;
    while ((rc = s.step()) == SQLITE_ROW) {
      const auto found = index.find(s.int64_at(0));
      if (found == index.end()) continue;  // a row without its notice: a hand edit
      out[found->second].readers.push_back(
          {s.text_at(1), s.text_at(2), s.text_at(3), s.time_at(4).value_or(core::time_point{})});
    }
    if (rc != SQLITE_DONE) return std::unexpected(failure("read reads"));
  }
  {
    statement s(file_.handle(),
                "SELECT notice_id, site, person, name, outcome, detail, at FROM sms ORDER BY id");
    if (!s) return std::unexpected(failure("prepare sms"));
    int rc = SQLITE_ROW;
    while ((rc = s.step()) == SQLITE_ROW) {
      const auto found = index.find(s.int64_at(0));
      if (found == index.end()) continue;
      out[found->second].sms_outcomes.push_back({s.text_at(1), s.text_at(2), s.text_at(3),
                                                 s.text_at(4), s.text_at(5),
                                                 s.time_at(6).value_or(core::time_point{})});
    }
    if (rc != SQLITE_DONE) return std::unexpected(failure("read sms"));
  }
  return out;
}

notice_result<void> notice_database::insert(notice& n) {
  statement s(file_.handle(),
              "INSERT INTO notices (created_at, author, author_name, kind, severity, title, body, "
              "sites, sms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!s) return std::unexpected(failure("prepare notice"));
  s.bind(1, std::optional{n.created_at});
  s.bind(2, std::string_view(n.author));
  s.bind(3, std::string_view(n.author_name));
  s.bind(4, to_string(n.kind));
  if (n.severity) {
    s.bind(5, static_cast<std::int64_t>(*n.severity));
  } else {
    s.bind_null(5);
  }
  s.bind(6, std::string_view(n.title));
  s.bind(7, std::string_view(n.body));
  s.bind(8, std::string_view(join_lines(n.sites)));
  s.bind(9, static_cast<std::int64_t>(n.sms ? 1 : 0));
  // One statement outside BEGIN is its own transaction: committed when step() returns DONE.
  if (s.step() != SQLITE_DONE) return std::unexpected(failure("write notice"));
  n.id = sqlite3_last_insert_rowid(file_.handle());
  return {};
}

notice_result<void> notice_database::add_readers(std::int64_t id,
                                                 const std::vector<notice_reader>& readers) {
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
  auto fail = [this](std::string_view what) {
    auto error = failure(what);
    (void)exec("ROLLBACK");
    return std::unexpected(std::move(error));
  };
  statement s(file_.handle(),
              "INSERT OR IGNORE INTO reads (notice_id, site, user, name, at) "
              "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s) return fail("prepare read");
  for (const auto& r : readers) {
    s.bind(1, id);
    s.bind(2, std::string_view(r.site));
    s.bind(3, std::string_view(r.user));
    s.bind(4, std::string_view(r.name));
    s.bind(5, std::optional{r.at});
    if (s.step() != SQLITE_DONE) return fail("write read");
    s.reset();
  }
  if (auto r = exec("COMMIT"); !r) {
    (void)exec("ROLLBACK");
    return r;
  }
  return {};
}

notice_result<void> notice_database::add_sms(std::int64_t id, const notice_sms& o) {
  statement s(file_.handle(),
              "INSERT INTO sms (notice_id, site, person, name, outcome, detail, at) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!s) return std::unexpected(failure("prepare sms"));
  s.bind(1, id);
  s.bind(2, std::string_view(o.site));
  s.bind(3, std::string_view(o.person));
  s.bind(4, std::string_view(o.name));
  s.bind(5, std::string_view(o.outcome));
  s.bind(6, std::string_view(o.detail));
  s.bind(7, std::optional{o.at});
  if (s.step() != SQLITE_DONE) return std::unexpected(failure("write sms"));
  return {};
}

}  // namespace campus::notice
