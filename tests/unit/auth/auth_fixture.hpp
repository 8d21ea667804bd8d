// users.db in a fresh temporary directory, a manual clock, the cheapest Argon2id parameters,
// a user_store of its own (as the CLI would open it) and an authenticator, with blocking
// wrappers around the asynchronous calls: each waits for its callback through a promise, so
// the test thread and the worker are ordered without any sleeping.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>

#include "auth/authenticator.hpp"
#include "auth/user_store.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"

namespace campus::auth::test {

using namespace std::chrono_literals;

using login_result = std::expected<session, auth_error>;

inline user_record make_user(std::string name, role level, std::vector<std::string> sites,
                             std::string display = {}) {
  user_record u;
  u.name = std::move(name);
  u.display_name = std::move(display);
  u.level = level;
  u.sites = std::move(sites);
  u.created_at = core::from_epoch_ms(1763860000000);
  return u;
}

// Every byte of the database and its WAL, to look for text that must never be stored.
inline std::string file_bytes(const std::filesystem::path& db) {
  std::string out;
  for (const auto* suffix : {"", "-wal"}) {
    std::ifstream in(db.string() + suffix, std::ios::binary);
    out.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return out;
}

class auth_fixture : public ::testing::Test {
 protected:
  auth_fixture() {
    std::string pattern = (std::filesystem::temp_directory_path() / "campus-auth-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();  // the test cannot run without it
    dir_ = pattern;
    path_ = (dir_ / "users.db").string();
    settings_.cost = password_cost::minimum();
    auto store = user_store::open(path_, password_cost::minimum());
    if (!store) std::abort();
    store_ = std::move(*store);
  }
  ~auth_fixture() override {
    auth_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Stops the authenticator (if any) and opens the file again, as a server restart would.
  void reopen() {
    auth_.reset();
    auto opened = authenticator::open(path_, clock_, metrics_, settings_);
    ASSERT_TRUE(opened.has_value()) << opened.error();
    auth_ = std::move(*opened);
  }

  void add(const user_record& u, const std::string& password = "correct horse battery") {
    auto r = store_->add_user(u, password);
    ASSERT_TRUE(r.has_value()) << r.error();
  }

  login_result login(const std::string& name, const std::string& password,
                     const std::string& address = "192.0.2.1") {
    std::promise<login_result> answer;
    auto result = answer.get_future();
    auth_->login(name, password, address,
                 [&answer](login_result r) { answer.set_value(std::move(r)); });
    return result.get();
  }

  void logout(const std::string& token, const std::string& address = "192.0.2.1") {
    std::promise<void> done;
    auth_->logout(token, address, [&done] { done.set_value(); });
    done.get_future().get();
  }

  void reload() {
    std::promise<void> done;
    auth_->reload([&done] { done.set_value(); });
    done.get_future().get();
  }

  std::vector<audit_event> recent(int limit = 100) {
    std::promise<std::expected<std::vector<audit_event>, std::string>> answer;
    auto result = answer.get_future();
    auth_->recent_audit(limit, [&answer](auto r) { answer.set_value(std::move(r)); });
    auto r = result.get();
    EXPECT_TRUE(r.has_value()) << r.error();
    return r.value_or(std::vector<audit_event>{});
  }

  std::int64_t logins(const std::string& result) {
    return metrics_.get("campus_auth_logins_total", "result=\"" + result + "\"").value();
  }

  std::filesystem::path dir_;
  std::string path_;
  core::manual_clock clock_;
  core::metrics metrics_;
  authenticator::settings settings_;
  std::unique_ptr<user_store> store_;
  std::unique_ptr<authenticator> auth_;
};

}  // namespace campus::auth::test
