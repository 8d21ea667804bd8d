#include "auth/user_store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>

#include "auth/sql_statement.hpp"

namespace campus::auth {

namespace {

constexpr const char* schema = R"sql(
CREATE TABLE IF NOT EXISTS users (
  name TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL, sites TEXT NOT NULL,
  password_hash TEXT NOT NULL, disabled INTEGER NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  token_digest TEXT PRIMARY KEY, user TEXT NOT NULL, address TEXT NOT NULL,
  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, who TEXT NOT NULL,
  what TEXT NOT NULL, address TEXT NOT NULL, detail TEXT NOT NULL
);
PRAGMA user_version = 1;
)sql";

constexpr const char* user_columns = "name, display_name, role, sites, disabled, created_at";

std::string join_sites(const std::vector<std::string>& sites) {
  std::string out;
  for (const auto& s : sites) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> split_sites(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return out;
}

// Reads user_columns starting at `first`.
user_record read_user(const sql_statement& s, int first) {
  user_record u;
  u.name = s.text_at(first);
  u.display_name = s.text_at(first + 1);
  // An unknown role can only come from a hand edit: it gets the least privilege.
  u.level = parse_role(s.text_at(first + 2)).value_or(role::viewer);
  u.sites = split_sites(s.text_at(first + 3));
  u.disabled = s.int64_at(first + 4) != 0;
  u.created_at = s.time_at(first + 5);
  return u;
}

// At most `limit` bytes, never cutting a UTF-8 sequence in two.
std::string bounded(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

}  // namespace

user_store::result<std::unique_ptr<user_store>> user_store::open(const std::string& path,
                                                                 password_cost cost) {
  // The CLI and the server may write at the same moment; the other waits for the lock.
  auto file = storage::sqlite_file::open("users", path, storage::sqlite_file::journal::unchanged);
  if (!file) return std::unexpected(file.error());
  // Password hashes and session digests: only the owner reads them. Set before the WAL and
  // shared-memory files exist, since SQLite gives them the main file's mode.
  std::error_code ec;
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      std::filesystem::perm_options::replace, ec);
  std::unique_ptr<user_store> store(new user_store(std::move(*file), cost));
  std::lock_guard lock(store->mutex_);
  // FULL: a session or an audit line the caller was told about is on disk.
  if (auto r = store->file_.use_wal_full(); !r) return std::unexpected(r.error());
  if (auto r = store->exec(schema); !r) return std::unexpected(r.error());
  return store;
}

user_store::~user_store() = default;

std::string user_store::failure(std::string_view what) const { return file_.failure(what); }

user_store::result<void> user_store::exec(const char* sql) { return file_.exec(sql); }

user_store::result<void> user_store::in_transaction(const std::function<result<void>()>& body) {
  if (auto r = exec("BEGIN IMMEDIATE"); !r) return r;
  auto r = body();
  if (r) r = exec("COMMIT");
  // Any failure rolls back, so the file never holds half a change.
  if (!r) (void)exec("ROLLBACK");
  return r;
}

user_store::result<std::optional<std::pair<user_record, std::string>>> user_store::find_locked(
    std::string_view name) {
  sql_statement s(file_.handle(),
                  fmt::format("SELECT {}, password_hash FROM users WHERE name = ?1", user_columns));
  if (!s) return std::unexpected(failure("prepare user"));
  s.bind(1, name);
  const int rc = s.step();
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) return std::unexpected(failure("read user"));
  return std::make_pair(read_user(s, 0), s.text_at(6));
}

user_store::result<void> user_store::end_sessions_locked(std::string_view name) {
  sql_statement s(file_.handle(), "DELETE FROM sessions WHERE user = ?1");
  if (!s) return std::unexpected(failure("prepare end sessions"));
  s.bind(1, name);
  if (s.step() != SQLITE_DONE) return std::unexpected(failure("end sessions"));
  return {};
}

user_store::result<void> user_store::add_user(const user_record& u, std::string_view password) {
  if (auto r = check_user(u); !r) return r;
  if (auto r = check_password(password); !r) return r;
  {
    // Checked first as well so that a duplicate is refused before the slow hash.
    std::lock_guard lock(mutex_);
    auto existing = find_locked(u.name);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) return std::unexpected(fmt::format("user \"{}\" already exists", u.name));
  }
  auto hash = hash_password(password, cost_);
  if (!hash) return std::unexpected(hash.error());
  std::lock_guard lock(mutex_);
  sql_statement s(file_.handle(),
                  "INSERT INTO users (name, display_name, role, sites, password_hash, disabled, "
                  "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!s) return std::unexpected(failure("prepare add user"));
  s.bind(1, std::string_view(u.name));
  s.bind(2, std::string_view(u.display_name.empty() ? u.name : u.display_name));
  s.bind(3, to_string(u.level));
  s.bind(4, std::string_view(join_sites(u.sites)));
  s.bind(5, std::string_view(*hash));
  s.bind(6, std::int64_t{u.disabled ? 1 : 0});
  s.bind(7, u.created_at);
  const int rc = s.step();
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return std::unexpected(fmt::format("user \"{}\" already exists", u.name));
  }
  if (rc != SQLITE_DONE) return std::unexpected(failure("add user"));
  return {};
}

user_store::result<void> user_store::set_password(std::string_view name,
                                                  std::string_view password) {
  if (auto r = check_password(password); !r) return r;
  {
    std::lock_guard lock(mutex_);
    auto existing = find_locked(name);
    if (!existing) return std::unexpected(existing.error());
    if (!*existing) return std::unexpected(fmt::format("no user \"{}\"", name));
  }
  auto hash = hash_password(password, cost_);
  if (!hash) return std::unexpected(hash.error());
  std::lock_guard lock(mutex_);
  return in_transaction([&]() -> result<void> {
    sql_statement s(file_.handle(), "UPDATE users SET password_hash = ?2 WHERE name = ?1");
    if (!s) return std::unexpected(failure("prepare set password"));
    s.bind(1, name);
    s.bind(2, std::string_view(*hash));
    if (s.step() != SQLITE_DONE) return std::unexpected(failure("set password"));
    if (sqlite3_changes(file_.handle()) != 1)
      return std::unexpected(fmt::format("no user \"{}\"", name));
    return end_sessions_locked(name);
  });
}

user_store::result<void> user_store::set_disabled(std::string_view name, bool disabled) {
  std::lock_guard lock(mutex_);
  return in_transaction([&]() -> result<void> {
    sql_statement s(file_.handle(), "UPDATE users SET disabled = ?2 WHERE name = ?1");
    if (!s) return std::unexpected(failure("prepare set disabled"));
    s.bind(1, name);
    s.bind(2, std::int64_t{disabled ? 1 : 0});
    if (s.step() != SQLITE_DONE) return std::unexpected(failure("set disabled"));
    if (sqlite3_changes(file_.handle()) != 1)
      return std::unexpected(fmt::format("no user \"{}\"", name));
    if (disabled) return end_sessions_locked(name);
    return {};
  });
}

user_store::result<std::vector<user_record>> user_store::list() {
  std::lock_guard lock(mutex_);
  sql_statement s(file_.handle(), fmt::format("SELECT {} FROM users ORDER BY name", user_columns));
  if (!s) return std::unexpected(failure("prepare list"));
  std::vector<user_record> out;
  int rc = SQLITE_ROW;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_user(s, 0));
  if (rc != SQLITE_DONE) return std::unexpected(failure("list users"));
  return out;
}

user_store::result<std::optional<user_record>> user_store::find(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto found = find_locked(name);
  if (!found) return std::unexpected(found.error());
  if (!*found) return std::nullopt;
  return std::move((*found)->first);
}

const std::string& user_store::dummy_hash() {
  std::call_once(dummy_once_, [this] {
    // Any fixed text will do: nobody can log in as a user that does not exist.
    dummy_hash_ = hash_password("no such user, no such password", cost_).value_or("");
  });
  return dummy_hash_;
}

user_store::result<std::optional<user_record>> user_store::verify(std::string_view name,
                                                                  std::string_view password) {
  std::optional<std::pair<user_record, std::string>> found;
  {
    std::lock_guard lock(mutex_);
    auto r = find_locked(name);
    if (!r) return std::unexpected(r.error());
    found = std::move(*r);
  }
  if (!found) {
    (void)verify_password(dummy_hash(), password);
    return std::nullopt;
  }
  if (!verify_password(found->second, password)) return std::nullopt;
  return std::move(found->first);
}

user_store::result<void> user_store::add_session(std::string_view digest, std::string_view user,
                                                 std::string_view address,
                                                 core::time_point created_at,
                                                 core::time_point expires_at) {
  std::lock_guard lock(mutex_);
  sql_statement s(file_.handle(),
                  "INSERT INTO sessions (token_digest, user, address, created_at, expires_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s) return std::unexpected(failure("prepare add session"));
  s.bind(1, digest);
  s.bind(2, user);
  s.bind(3, std::string_view(bounded(address, 64)));
  s.bind(4, created_at);
  s.bind(5, expires_at);
  if (s.step() != SQLITE_DONE) return std::unexpected(failure("add session"));
  return {};
}

user_store::result<std::optional<std::string>> user_store::remove_session(std::string_view digest) {
  std::lock_guard lock(mutex_);
  sql_statement s(file_.handle(), "DELETE FROM sessions WHERE token_digest = ?1 RETURNING user");
  if (!s) return std::unexpected(failure("prepare remove session"));
  s.bind(1, digest);
  std::optional<std::string> user;
  int rc = SQLITE_ROW;
  while ((rc = s.step()) == SQLITE_ROW) user = s.text_at(0);
  if (rc != SQLITE_DONE) return std::unexpected(failure("remove session"));
  return user;
}

user_store::result<std::vector<user_store::stored_session>> user_store::live_sessions(
    core::time_point now) {
  std::lock_guard lock(mutex_);
  sql_statement s(file_.handle(),
                  fmt::format("SELECT s.token_digest, s.expires_at, {} FROM sessions s "
                              "JOIN users u ON u.name = s.user "
                              "WHERE u.disabled = 0 AND s.expires_at > ?1",
                              "u.name, u.display_name, u.role, u.sites, u.disabled, "
                              "u.created_at"));
  if (!s) return std::unexpected(failure("prepare sessions"));
  s.bind(1, now);
  std::vector<stored_session> out;
  int rc = SQLITE_ROW;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.push_back(stored_session{s.text_at(0), read_user(s, 2), s.time_at(1)});
  }
  if (rc != SQLITE_DONE) return std::unexpected(failure("read sessions"));
  return out;
}

user_store::result<int> user_store::remove_expired(core::time_point now) {
  std::lock_guard lock(mutex_);
  sql_statement s(file_.handle(), "DELETE FROM sessions WHERE expires_at <= ?1");
  if (!s) return std::unexpected(failure("prepare remove expired"));
  s.bind(1, now);
  if (s.step() != SQLITE_DONE) return std::unexpected(failure("remove expired"));
  return sqlite3_changes(file_.handle());
}

user_store::result<std::vector<std::string>> user_store::session_digests() {
  std::lock_guard lock(mutex_);
  sql_statement s(file_.handle(), "SELECT token_digest FROM sessions ORDER BY token_digest");
  if (!s) return std::unexpected(failure("prepare session digests"));
  std::vector<std::string> out;
  int rc = SQLITE_ROW;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(s.text_at(0));
  if (rc != SQLITE_DONE) return std::unexpected(failure("read session digests"));
  return out;
}

user_store::result<void> user_store::append_audit(const audit_event& e) {
  std::lock_guard lock(mutex_);
  sql_statement s(file_.handle(),
                  "INSERT INTO audit (at, who, what, address, detail) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!s) return std::unexpected(failure("prepare audit"));
  s.bind(1, e.at);
  s.bind(2, std::string_view(bounded(e.who, 128)));
  s.bind(3, std::string_view(bounded(e.what, 64)));
  s.bind(4, std::string_view(bounded(e.address, 64)));
  s.bind(5, std::string_view(bounded(e.detail, 1024)));
  if (s.step() != SQLITE_DONE) return std::unexpected(failure("append audit"));
  return {};
}

user_store::result<std::vector<audit_event>> user_store::recent_audit(int limit) {
  std::lock_guard lock(mutex_);
  sql_statement s(file_.handle(),
                  "SELECT at, who, what, address, detail FROM audit ORDER BY id DESC LIMIT ?1");
  if (!s) return std::unexpected(failure("prepare audit read"));
  s.bind(1, std::int64_t{std::clamp(limit, 1, 1000)});
  std::vector<audit_event> out;
  int rc = SQLITE_ROW;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.push_back(audit_event{s.time_at(0), s.text_at(1), s.text_at(2), s.text_at(3),
                              s.text_at(4)});
  }
  if (rc != SQLITE_DONE) return std::unexpected(failure("read audit"));
  return out;
}

user_store::result<std::int64_t> user_store::data_version() {
  std::lock_guard lock(mutex_);
  sql_statement s(file_.handle(), "PRAGMA data_version");
  if (!s || s.step() != SQLITE_ROW) return std::unexpected(failure("data_version"));
  return s.int64_at(0);
}

}  // namespace campus::auth
