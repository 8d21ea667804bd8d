// users.db: users (with Argon2id password hashes), sessions (by token digest) and the audit log,
// in one SQLite file (WAL, synchronous=FULL, mode 0600).
//
// Blocking and thread-safe: one connection under a mutex, for the command line and for the
// authenticator's worker. Password hashing and verification run outside the mutex, so one slow
// hash does not hold up another caller's reads. Several processes may open the same file (the
// CLI while the server runs); data_version() tells a reader that another one changed it.
// Every failure is a value: the message names the file or the rule broken.
#pragma once

#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/audit_event.hpp"
#include "auth/password_hash.hpp"
#include "auth/user_record.hpp"
#include "core/reading.hpp"
#include "storage/sqlite_file.hpp"

namespace campus::auth {

class user_store {
 public:
  template <class T>
  using result = std::expected<T, std::string>;

  // A session row joined with its user.
  struct stored_session {
    std::string digest;  // token_digest of the token
    user_record user;
    core::time_point expires_at{};
  };

  // Opens (creating) the file and its schema; `cost` is used for every new hash.
  static result<std::unique_ptr<user_store>> open(
      const std::string& path, password_cost cost = password_cost::interactive());
  ~user_store();
  user_store(const user_store&) = delete;
  user_store& operator=(const user_store&) = delete;

  // Refuses a duplicate name, a record check_user refuses, a password check_password refuses.
  // An empty display name is stored as the login name.
  result<void> add_user(const user_record& u, std::string_view password);
  // Also ends that user's sessions (in the file; a running authenticator follows on reload).
  result<void> set_password(std::string_view name, std::string_view password);
  // Disabling ends the user's sessions; enabling does not bring them back.
  result<void> set_disabled(std::string_view name, bool disabled);
  // Every user, by name.
  result<std::vector<user_record>> list();
  result<std::optional<user_record>> find(std::string_view name);

  // The user when `password` is theirs (disabled or not: the caller decides); nullopt for an
  // unknown name or a wrong password. An unknown name costs one hash as well, so the time taken
  // does not tell which names exist.
  result<std::optional<user_record>> verify(std::string_view name, std::string_view password);

  result<void> add_session(std::string_view digest, std::string_view user, std::string_view address,
                           core::time_point created_at, core::time_point expires_at);
  // Removes the session; answers whose it was (nullopt when there was none).
  result<std::optional<std::string>> remove_session(std::string_view digest);
  // Sessions not expired at `now` whose user exists and is enabled.
  result<std::vector<stored_session>> live_sessions(core::time_point now);
  // Deletes sessions expired at `now`; answers how many.
  result<int> remove_expired(core::time_point now);
  // The digests stored (for tests and for checking that no token is kept).
  result<std::vector<std::string>> session_digests();

  // Who, what, address and detail are cut to bounded lengths (untrusted request text).
  result<void> append_audit(const audit_event& e);
  // Newest first, at most `limit` (clamped to 1..1000).
  result<std::vector<audit_event>> recent_audit(int limit);

  // PRAGMA data_version: changes whenever another connection commits to the file.
  result<std::int64_t> data_version();

 private:
  user_store(storage::sqlite_file file, password_cost cost) : file_(std::move(file)), cost_(cost) {}
  // Mutex held, below.
  std::string failure(std::string_view what) const;
  result<void> exec(const char* sql);
  result<void> in_transaction(const std::function<result<void>()>& body);
  result<std::optional<std::pair<user_record, std::string>>> find_locked(std::string_view name);
  result<void> end_sessions_locked(std::string_view name);
  const std::string& dummy_hash();

  std::mutex mutex_;  // guards file_ (the connection is opened without SQLite's own mutex)
  storage::sqlite_file file_;
  const password_cost cost_;
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // hashed once, on the first unknown name
};

}  // namespace campus::auth
