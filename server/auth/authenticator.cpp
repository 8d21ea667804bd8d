#include "auth/authenticator.hpp"

#include <fmt/format.h>

#include <utility>

#include "auth/session_token.hpp"
#include "core/log.hpp"

namespace campus::auth {

namespace {

constexpr std::size_t max_login_name = 64;
constexpr std::size_t max_login_password = 1024;

auth_error stopped_error() {
  return auth_error{auth_error::code::stopped, "the authenticator has stopped", {}};
}

// The log line for a failed audit or storage write; bounded so a broken disk cannot flood it.
core::log_rate_limiter& failure_log() {
  static core::log_rate_limiter limiter;
  return limiter;
}

void log_failure(std::string_view what, const std::string& message) {
  long suppressed = 0;
  if (failure_log().allow(suppressed)) {
    core::log(core::log_level::error, "auth: {}: {} ({} similar suppressed)", what, message,
              suppressed);
  }
}

}  // namespace

std::expected<std::unique_ptr<authenticator>, std::string> authenticator::open(
    const std::string& path, const core::clock& clock, core::metrics& metrics, settings s) {
  if (!sodium_ready()) return std::unexpected("libsodium could not be initialised");
  auto store = user_store::open(path, s.cost);
  if (!store) return std::unexpected(store.error());
  // The constructor loads the sessions through reload_now(), which only logs a failure (a
  // running server keeps its map); at open a file that cannot be read is an error.
  if (auto r = (*store)->data_version(); !r) return std::unexpected(r.error());
  if (auto r = (*store)->live_sessions(clock.now()); !r) return std::unexpected(r.error());
  return std::unique_ptr<authenticator>(new authenticator(std::move(*store), clock, metrics, s));
}

authenticator::authenticator(std::unique_ptr<user_store> store, const core::clock& clock,
                             core::metrics& metrics, settings s)
    : store_(std::move(store)),
      clock_(clock),
      settings_(s),
      limiter_(login_limiter::settings{s.max_failures, s.failure_window, s.lockout,
                                       s.max_address_failures}),
      metrics_(metrics),
      sessions_gauge_(metrics.get("campus_auth_sessions")),
      audit_errors_(metrics.get("campus_auth_audit_errors_total")),
      unstored_gauge_(metrics.get("campus_auth_sessions_unstored")) {
  metrics.describe("campus_auth_logins_total", "counter", "Login attempts, by result.");
  metrics.describe("campus_auth_sessions_unstored", "gauge",
                   "Sessions users.db could not store (a full disk), kept in memory and written "
                   "again every tick.");
  metrics.describe("campus_auth_sessions", "gauge", "Live sessions.");
  metrics.describe("campus_auth_audit_errors_total", "counter",
                   "Audit log lines that could not be written.");
  for (auto c : {auth_error::code::bad_credentials, auth_error::code::rate_limited,
                 auth_error::code::disabled, auth_error::code::invalid_argument,
                 auth_error::code::storage}) {
    metrics.get("campus_auth_logins_total", fmt::format("result=\"{}\"", to_string(c)));
  }
  metrics.get("campus_auth_logins_total", "result=\"ok\"");
  reload_now();  // before the worker exists, so nothing races it
  // Started last: the thread may use every member above at once.
  worker_ = std::thread([this] { run(); });
}

authenticator::~authenticator() { stop(); }

void authenticator::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (worker_.joinable()) worker_.join();
}

bool authenticator::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
  return true;
}

void authenticator::run() {
  // Ticks are due by the steady clock whether or not requests keep the worker busy, so a
  // change by the CLI is noticed under load too.
  auto next_tick = std::chrono::steady_clock::now() + settings_.reload_interval;
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_until(lock, next_tick, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_ && queue_.empty()) return;  // everything queued before stop() has run
      if (!queue_.empty()) {
        task = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    if (task) task();
    if (std::chrono::steady_clock::now() >= next_tick) {
      tick();
      next_tick = std::chrono::steady_clock::now() + settings_.reload_interval;
    }
  }
}

void authenticator::count_login(auth_error::code c) {
  metrics_.get("campus_auth_logins_total", fmt::format("result=\"{}\"", to_string(c))).inc();
}

void authenticator::refresh_gauge() {
  std::shared_lock lock(sessions_mutex_);
  sessions_gauge_.set(static_cast<std::int64_t>(sessions_.size()));
}

void authenticator::audit_now(const audit_event& e) {
  if (auto r = store_->append_audit(e); !r) {
    audit_errors_.inc();
    log_failure("audit", r.error());
  }
}

void authenticator::login(std::string name, std::string password, std::string address,
                          login_callback cb) {
  const auto now = clock_.now();
  if (pending_logins_.load() >= settings_.max_pending_logins) {
    count_login(auth_error::code::rate_limited);
    audit(audit_event{now, check_user_name(name) ? name : "", "login_rate_limited", address,
                      "too many logins waiting"});
    return cb(std::unexpected(auth_error{auth_error::code::rate_limited,
                                         "too many logins at once; try again shortly",
                                         std::chrono::seconds{1}}));
  }
  ++pending_logins_;
  auto shared_cb = std::make_shared<login_callback>(std::move(cb));
  const bool queued =
      post([this, name = std::move(name), password = std::move(password),
            address = std::move(address), shared_cb] {
        --pending_logins_;
        login_now(name, password, address, *shared_cb);
      });
  if (!queued) {
    --pending_logins_;
    (*shared_cb)(std::unexpected(stopped_error()));
  }
}

void authenticator::login_now(const std::string& name, const std::string& password,
                              const std::string& address, const login_callback& cb) {
  const auto now = clock_.now();
  // A name that could not be a user is audited without it: it may be any bytes at all.
  const std::string who = check_user_name(name) ? name : "";
  auto refuse = [&](auth_error e, std::string_view what, std::string detail) {
    count_login(e.what);
    audit_now(audit_event{now, who, std::string(what), address, std::move(detail)});
    cb(std::unexpected(std::move(e)));
  };

  if (name.empty() || name.size() > max_login_name || password.empty() ||
      password.size() > max_login_password) {
    return refuse(auth_error{auth_error::code::invalid_argument,
                             "a user name and a password are required", {}},
                  "login_failed", "invalid_argument");
  }
  if (const auto wait = limiter_.retry_after(address, name, now); wait.count() > 0) {
    return refuse(auth_error{auth_error::code::rate_limited,
                             fmt::format("too many failed logins; try again in {} s", wait.count()),
                             wait},
                  "login_rate_limited", fmt::format("retry after {} s", wait.count()));
  }
  auto verified = store_->verify(name, password);
  if (!verified) {
    log_failure("verify", verified.error());
    return refuse(auth_error{auth_error::code::storage, "the user file cannot be read", {}},
                  "login_failed", "storage");
  }
  if (!*verified) {
    limiter_.failed(address, name, now);
    return refuse(auth_error{auth_error::code::bad_credentials, "wrong user name or password", {}},
                  "login_failed", who.empty() ? "bad_credentials (malformed name)"
                                              : "bad_credentials");
  }
  const auto& user = **verified;
  if (user.disabled) {
    return refuse(auth_error{auth_error::code::disabled, "this user is disabled", {}},
                  "login_failed", "disabled");
  }

  session s{new_session_token(), principal::of(user), now + settings_.session_ttl};
  const auto digest = token_digest(s.token);
  if (auto r = store_->add_session(digest, user.name, address, now, s.expires_at); !r) {
    // Kept in memory and written later (tick): refusing would lock everyone out while the
    // disk is full, as an alarm fires.
    log_failure("add session", r.error() + "; the session is kept in memory until it can be "
                                           "stored");
    unstored_[digest] = unstored_session{user.name, address, now,
                                         live_session{s.who, s.expires_at}};
    unstored_gauge_.set(static_cast<std::int64_t>(unstored_.size()));
  }
  {
    std::unique_lock lock(sessions_mutex_);
    sessions_[digest] = live_session{s.who, s.expires_at};
  }
  refresh_gauge();
  limiter_.succeeded(name);
  metrics_.get("campus_auth_logins_total", "result=\"ok\"").inc();
  audit_now(audit_event{now, user.name, "login_ok", address,
                        fmt::format("role {}", to_string(user.level))});
  cb(std::move(s));
}

void authenticator::logout(const std::string& token, std::string address,
                           std::function<void()> done) {
  const auto now = clock_.now();
  if (!well_formed_token(token)) {
    audit(audit_event{now, "", "logout", std::move(address), "malformed token"});
    if (done) done();
    return;
  }
  const auto digest = token_digest(token);
  std::string who;
  {
    std::unique_lock lock(sessions_mutex_);
    if (auto it = sessions_.find(digest); it != sessions_.end()) {
      who = it->second.who.user;
      sessions_.erase(it);
    }
    revoking_.insert(digest);
  }
  refresh_gauge();
  const bool queued = post([this, digest, who, address = std::move(address), now, done] {
    if (unstored_.erase(digest) > 0)
      unstored_gauge_.set(static_cast<std::int64_t>(unstored_.size()));
    auto removed = store_->remove_session(digest);
    if (!removed) log_failure("remove session", removed.error());
    {
      std::unique_lock lock(sessions_mutex_);
      // Only once the row is gone may a reload run without the guard.
      if (removed) revoking_.erase(digest);
      sessions_.erase(digest);
    }
    std::string user = who;
    if (removed && *removed) user = **removed;
    audit_now(audit_event{now, user, "logout", address,
                          user.empty() ? "unknown session" : std::string{}});
    if (done) done();
  });
  if (!queued && done) done();
}

std::optional<principal> authenticator::authenticate(std::string_view token) const {
  if (!well_formed_token(token)) return std::nullopt;
  const auto digest = token_digest(token);
  const auto now = clock_.now();
  std::shared_lock lock(sessions_mutex_);
  const auto it = sessions_.find(digest);
  if (it == sessions_.end() || it->second.expires_at <= now) return std::nullopt;
  return it->second.who;
}

void authenticator::audit(audit_event e) {
  if (!post([this, e = std::move(e)] { audit_now(e); })) {
    audit_errors_.inc();
    log_failure("audit", fmt::format("after stop: {} {}", e.what, e.who));
  }
}

void authenticator::recent_audit(
    int limit, std::function<void(std::expected<std::vector<audit_event>, std::string>)> cb) {
  auto shared_cb = std::make_shared<decltype(cb)>(std::move(cb));
  if (!post([this, limit, shared_cb] { (*shared_cb)(store_->recent_audit(limit)); })) {
    (*shared_cb)(std::unexpected(std::string("the authenticator has stopped")));
  }
}

void authenticator::reload(std::function<void()> done) {
  if (!post([this, done] {
        reload_now();
        if (done) done();
      }) &&
      done) {
    done();
  }
}

void authenticator::reload_now() {
  const auto now = clock_.now();
  // The version is read first: a change committed during the read is seen on the next tick.
  auto version = store_->data_version();
  auto live = store_->live_sessions(now);
  if (!version || !live) {
    log_failure("reload", !version ? version.error() : live.error());
    return;  // keep the map we have; the next tick tries again
  }
  std::unordered_map<std::string, live_session> next;
  for (auto& s : *live) {
    next.emplace(std::move(s.digest), live_session{principal::of(s.user), s.expires_at});
  }
  for (const auto& [digest, s] : unstored_) next.emplace(digest, s.live);
  {
    std::unique_lock lock(sessions_mutex_);
    for (const auto& digest : revoking_) next.erase(digest);
    sessions_ = std::move(next);
  }
  data_version_ = *version;
  refresh_gauge();
}

void authenticator::tick() {
  const auto now = clock_.now();
  for (auto it = unstored_.begin(); it != unstored_.end();) {
    const auto& s = it->second;
    if (s.live.expires_at <= now) {
      it = unstored_.erase(it);
      continue;
    }
    if (!store_->add_session(it->first, s.user, s.address, s.created_at, s.live.expires_at)) {
      ++it;
      continue;  // still full: tried again next tick
    }
    core::log(core::log_level::info, "auth: the session of {} kept in memory is stored now",
              s.user);
    it = unstored_.erase(it);
  }
  unstored_gauge_.set(static_cast<std::int64_t>(unstored_.size()));
  std::size_t expired = 0;
  {
    std::unique_lock lock(sessions_mutex_);
    expired = std::erase_if(sessions_, [&](const auto& s) { return s.second.expires_at <= now; });
  }
  if (expired > 0) {
    refresh_gauge();
    if (auto r = store_->remove_expired(now); !r) log_failure("remove expired", r.error());
  }
  auto version = store_->data_version();
  if (!version) return log_failure("data_version", version.error());
  if (*version != data_version_) reload_now();
}

}  // namespace campus::auth
