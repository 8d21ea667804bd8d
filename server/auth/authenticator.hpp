// What the server uses to sign people in and to know who is asking.
//
// Threading: one worker thread owns the slow work — Argon2id verification and every SQLite
// write (through user_store) — and runs requests in arrival order, so the Asio loop never waits
// on either. Callbacks (login, logout, recent_audit, reload) run exactly once on the worker
// (or at once on the calling thread after stop(), with `stopped`); they must not throw or
// block on the authenticator: post the answer to your own executor.
//
// authenticate() does not queue: it reads an in-memory map of live sessions (token digest →
// principal) under a shared lock, kept in step with the file by the worker: logins and logouts
// change both, and the worker reloads the map when another process (the `user` CLI) has
// changed users.db, checked every reload_interval, or at once on reload(). Sessions survive a
// restart: the map is loaded at open.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <expected>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "auth/audit_event.hpp"
#include "auth/auth_error.hpp"
#include "auth/login_limiter.hpp"
#include "auth/password_hash.hpp"
#include "auth/principal.hpp"
#include "auth/session.hpp"
#include "auth/user_store.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"

namespace campus::auth {

// authenticator::settings (declared outside the class so that `settings = {}` can default an
// argument of a member function).
struct authenticator_settings {
  std::chrono::seconds session_ttl{std::chrono::hours{12}};
  int max_failures = 5;           // per user name
  int max_address_failures = 30;  // per client address (see login_limiter)
  std::chrono::seconds failure_window{std::chrono::minutes{15}};
  std::chrono::seconds lockout{std::chrono::minutes{15}};
  // Argon2id cost of new hashes (set_password through the store); tests use minimum().
  password_cost cost = password_cost::interactive();
  // How often the idle worker looks for changes made by another process, and drops expired
  // sessions. Real time: only the promptness of noticing depends on it, never a result.
  std::chrono::milliseconds reload_interval{std::chrono::seconds{2}};
  // Logins waiting for the worker beyond this are answered rate_limited at once (retry_after
  // 1 s): each costs an Argon2id run, and a flood must not queue minutes of them.
  std::size_t max_pending_logins = 64;
};

class authenticator {
 public:
  using settings = authenticator_settings;
  using audit_event = auth::audit_event;
  using login_callback = std::function<void(std::expected<session, auth_error>)>;

  // Opens (creating) users.db, loads the live sessions and starts the worker. `clock` (expiry,
  // audit times, rate limits) and `metrics` must outlive the authenticator. Metrics:
  // campus_auth_logins_total{result="ok|bad_credentials|rate_limited|disabled|invalid_argument|
  // storage"}, campus_auth_sessions (gauge), campus_auth_audit_errors_total.
  static std::expected<std::unique_ptr<authenticator>, std::string> open(const std::string& path,
                                                                         const core::clock& clock,
                                                                         core::metrics& metrics,
                                                                         settings s = {});
  ~authenticator();  // stop()
  authenticator(const authenticator&) = delete;
  authenticator& operator=(const authenticator&) = delete;

  // Rate-limited per address and per user name: after max_failures failures within
  // failure_window, rate_limited with retry_after until the lockout ends. Every attempt is
  // audited: login_ok, login_failed (detail: why), login_rate_limited. An empty name or
  // password, a name over 64 bytes or a password over 1024 bytes is invalid_argument.
  void login(std::string name, std::string password, std::string address, login_callback cb);

  // Ends the session now (authenticate() no longer knows the token when this returns), removes
  // it from the file on the worker and audits it; `done` (optional) runs after that.
  void logout(const std::string& token, std::string address, std::function<void()> done = {});

  // Fast and thread-safe: the principal of a live token; nullopt if malformed, unknown,
  // expired (by the injected clock), or its user disabled.
  std::optional<principal> authenticate(std::string_view token) const;

  // Appends to the audit log on the worker (never blocks the caller). Failures are logged
  // and counted (campus_auth_audit_errors_total).
  void audit(audit_event e);

  // Newest first, at most `limit` (1..1000).
  void recent_audit(int limit,
                    std::function<void(std::expected<std::vector<audit_event>, std::string>)> cb);

  // Re-reads the sessions and their users from the file now (after the CLI disabled a user or
  // changed a password); `done` (optional) runs once the map is replaced.
  void reload(std::function<void()> done = {});

  // Runs every request already queued, then ends the worker. Safe to call twice.
  void stop();

 private:
  struct live_session {
    principal who;
    core::time_point expires_at;
  };

  authenticator(std::unique_ptr<user_store> store, const core::clock& clock,
                core::metrics& metrics, settings s);

  // Queues a task for the worker; false once stopped.
  bool post(std::function<void()> task);
  void run();

  // Worker only, below.
  void login_now(const std::string& name, const std::string& password, const std::string& address,
                 const login_callback& cb);
  void reload_now();
  void tick();  // drops expired sessions; reloads if another process changed the file
  void audit_now(const audit_event& e);
  void count_login(auth_error::code c);
  void refresh_gauge();  // takes the shared lock

  std::unique_ptr<user_store> store_;
  const core::clock& clock_;
  const settings settings_;
  login_limiter limiter_;                  // worker only
  std::int64_t data_version_ = -1;         // worker only: the file's version at the last reload

  core::metrics& metrics_;
  core::metrics::counter& sessions_gauge_;
  core::metrics::counter& audit_errors_;

  // Readers (authenticate) on any thread, writers on the worker and in logout().
  mutable std::shared_mutex sessions_mutex_;
  std::unordered_map<std::string, live_session> sessions_;  // by token digest
  // Logged out but maybe still in the file: a reload in between must not bring them back.
  std::set<std::string> revoking_;
  // Worker only: sessions users.db could not store (a full disk). A duty leader woken by an
  // alarm must still get in: the session lives in memory, is kept across reloads, and is
  // written again on every tick until the file takes it (lost only with the process).
  struct unstored_session {
    std::string user;
    std::string address;
    core::time_point created_at;
    live_session live;
  };
  std::unordered_map<std::string, unstored_session> unstored_;  // by token digest
  core::metrics::counter& unstored_gauge_;

  std::atomic<std::size_t> pending_logins_{0};
  std::mutex mutex_;  // guards queue_ and stopping_
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread worker_;  // last: started once everything above exists
};

}  // namespace campus::auth
