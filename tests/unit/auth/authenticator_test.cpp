// Logins, sessions and their end, rate limits, the audit of every attempt, and authenticate()
// racing logins — a real users.db, the injected clock, the worker thread.
#include <atomic>
#include <thread>

#include "auth/session_token.hpp"
#include "auth_fixture.hpp"

namespace campus::auth::test {
namespace {

const std::string password = "correct horse battery";

class authenticator_test : public auth_fixture {
 protected:
  void SetUp() override {
    add(make_user("wangfang", role::duty_leader, {"xh-primary"}, "王芳"), password);
    add(make_user("zhao", role::bureau, {}, "赵局"), password);
    reopen();
  }
};

TEST_F(authenticator_test, a_login_gives_a_token_whose_digest_alone_is_stored) {
  auto s = login("wangfang", password);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_TRUE(well_formed_token(s->token));
  EXPECT_EQ(s->who.user, "wangfang");
  EXPECT_EQ(s->who.display_name, "王芳");
  EXPECT_EQ(s->who.level, role::duty_leader);
  EXPECT_EQ(s->expires_at, clock_.now() + 12h);

  auto who = auth_->authenticate(s->token);
  ASSERT_TRUE(who.has_value());
  EXPECT_TRUE(who->may_see("xh-primary"));
  EXPECT_FALSE(who->may_see("dq-middle"));

  EXPECT_EQ(store_->session_digests().value(), std::vector<std::string>{token_digest(s->token)});
  EXPECT_EQ(file_bytes(path_).find(s->token), std::string::npos);
  EXPECT_NE(file_bytes(path_).find(token_digest(s->token)), std::string::npos);

  auto bureau = login("zhao", password);
  ASSERT_TRUE(bureau.has_value());
  EXPECT_TRUE(auth_->authenticate(bureau->token)->all_sites);
  EXPECT_NE(bureau->token, s->token);
  EXPECT_EQ(logins("ok"), 2);
  EXPECT_EQ(metrics_.get("campus_auth_sessions").value(), 2);
}

TEST_F(authenticator_test, wrong_passwords_unknown_users_and_disabled_users_are_refused) {
  auto wrong = login("wangfang", "correct horse battery!");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().what, auth_error::code::bad_credentials);
  auto unknown = login("nobody", password);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().what, auth_error::code::bad_credentials);
  EXPECT_EQ(unknown.error().message, wrong.error().message);  // the two are not told apart

  ASSERT_TRUE(store_->set_disabled("zhao", true));
  auto disabled = login("zhao", password);
  ASSERT_FALSE(disabled.has_value());
  EXPECT_EQ(disabled.error().what, auth_error::code::disabled);

  auto huge = login("wangfang", std::string(2000, 'x'));
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().what, auth_error::code::invalid_argument);
  EXPECT_EQ(logins("bad_credentials"), 2);
  EXPECT_EQ(logins("disabled"), 1);
  EXPECT_EQ(logins("invalid_argument"), 1);
  EXPECT_EQ(logins("ok"), 0);
  EXPECT_EQ(metrics_.get("campus_auth_sessions").value(), 0);
}

TEST_F(authenticator_test, malformed_and_unknown_tokens_are_nobody) {
  EXPECT_FALSE(auth_->authenticate("").has_value());
  EXPECT_FALSE(auth_->authenticate("not a token").has_value());
  EXPECT_FALSE(auth_->authenticate(new_session_token()).has_value());
  auto s = login("wangfang", password);
  ASSERT_TRUE(s.has_value());
  // The digest itself (what a stolen users.db holds) is not a token that works.
  EXPECT_FALSE(auth_->authenticate(token_digest(s->token)).has_value());
}

TEST_F(authenticator_test, sessions_expire_on_the_clock_and_survive_a_restart_until_then) {
  auto s = login("wangfang", password);
  ASSERT_TRUE(s.has_value());
  clock_.advance(12h - 1ms);
  EXPECT_TRUE(auth_->authenticate(s->token).has_value());

  reopen();
  auto who = auth_->authenticate(s->token);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->display_name, "王芳");
  EXPECT_EQ(metrics_.get("campus_auth_sessions").value(), 1);

  clock_.advance(1ms);
  EXPECT_FALSE(auth_->authenticate(s->token).has_value());
  reopen();  // an expired session is not loaded again
  EXPECT_FALSE(auth_->authenticate(s->token).has_value());
  EXPECT_EQ(metrics_.get("campus_auth_sessions").value(), 0);
}

TEST_F(authenticator_test, logout_ends_the_session_at_once_and_in_the_file) {
  auto s = login("wangfang", password);
  auto other = login("wangfang", password);
  ASSERT_TRUE(s.has_value() && other.has_value());
  logout(s->token, "198.51.100.7");
  EXPECT_FALSE(auth_->authenticate(s->token).has_value());
  EXPECT_TRUE(auth_->authenticate(other->token).has_value());  // only that session
  EXPECT_EQ(store_->session_digests().value(),
            std::vector<std::string>{token_digest(other->token)});
  reload();
  EXPECT_FALSE(auth_->authenticate(s->token).has_value());
  reopen();
  EXPECT_FALSE(auth_->authenticate(s->token).has_value());

  const auto rows = recent(1);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].what, "logout");
  EXPECT_EQ(rows[0].who, "wangfang");
  EXPECT_EQ(rows[0].address, "198.51.100.7");
}

TEST_F(authenticator_test, disabling_or_a_new_password_from_the_cli_ends_sessions_on_reload) {
  auto s = login("wangfang", password);
  auto bureau = login("zhao", password);
  ASSERT_TRUE(s.has_value() && bureau.has_value());

  auto cli = user_store::open(path_, password_cost::minimum());  // another connection
  ASSERT_TRUE(cli.has_value());
  ASSERT_TRUE((*cli)->set_disabled("wangfang", true));
  ASSERT_TRUE((*cli)->set_password("zhao", "a brand new secret"));
  reload();
  EXPECT_FALSE(auth_->authenticate(s->token).has_value());
  EXPECT_FALSE(auth_->authenticate(bureau->token).has_value());
  EXPECT_EQ(metrics_.get("campus_auth_sessions").value(), 0);

  ASSERT_TRUE((*cli)->set_disabled("wangfang", false));
  reload();
  EXPECT_FALSE(auth_->authenticate(s->token).has_value());  // enabling does not revive it
  EXPECT_TRUE(login("wangfang", password).has_value());
  EXPECT_FALSE(login("zhao", password).has_value());
  EXPECT_TRUE(login("zhao", "a brand new secret").has_value());
}

TEST_F(authenticator_test, one_address_is_rate_limited_after_its_own_limit_of_failures) {
  // Many names from one address (a school's NAT, or someone trying names): the address's limit
  // (30 by default, above the per-name 5) locks the address.
  ASSERT_EQ(settings_.max_address_failures, 30);
  for (int i = 0; i < 30; ++i) {
    auto r = login(i < 4 ? "wangfang" : "nobody" + std::to_string(i), "wrong password",
                   "203.0.113.9");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().what, auth_error::code::bad_credentials) << i;
  }
  // Even the right password is refused from there, without being checked.
  auto limited = login("wangfang", password, "203.0.113.9");
  ASSERT_FALSE(limited.has_value());
  EXPECT_EQ(limited.error().what, auth_error::code::rate_limited);
  EXPECT_EQ(limited.error().retry_after, 15min);
  EXPECT_TRUE(login("wangfang", password, "203.0.113.10").has_value());  // another address

  clock_.advance(15min);
  EXPECT_TRUE(login("zhao", password, "203.0.113.9").has_value());
  EXPECT_EQ(logins("rate_limited"), 1);
}

TEST_F(authenticator_test, one_user_is_rate_limited_after_five_failures_from_anywhere) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_FALSE(login("wangfang", "wrong password", "203.0.113." + std::to_string(i)));
  }
  auto limited = login("wangfang", password, "198.51.100.1");
  ASSERT_FALSE(limited.has_value());
  EXPECT_EQ(limited.error().what, auth_error::code::rate_limited);
  EXPECT_EQ(limited.error().retry_after, 15min);
  clock_.advance(5min);
  auto later = login("wangfang", password, "198.51.100.1");
  ASSERT_FALSE(later.has_value());
  EXPECT_EQ(later.error().retry_after, 10min);
  EXPECT_TRUE(login("zhao", password, "198.51.100.1").has_value());  // another user
}

TEST_F(authenticator_test, every_login_attempt_is_audited) {
  ASSERT_TRUE(login("wangfang", password, "192.0.2.10"));
  for (int i = 0; i < 5; ++i) ASSERT_FALSE(login("zhao", "wrong password", "192.0.2.11"));
  ASSERT_FALSE(login("zhao", password, "192.0.2.11"));
  ASSERT_FALSE(login("Robert'); DROP TABLE users;--", password, "192.0.2.12"));
  auth_->audit(audit_event{clock_.now(), "wangfang", "denied", "192.0.2.10", "GET /api/config"});

  const auto rows = recent();
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0].what, "denied");
  EXPECT_EQ(rows[1].what, "login_failed");
  EXPECT_EQ(rows[1].who, "");  // not a possible name: not written as one
  EXPECT_EQ(rows[1].address, "192.0.2.12");
  EXPECT_EQ(rows[2].what, "login_rate_limited");
  EXPECT_EQ(rows[2].who, "zhao");
  for (int i = 3; i < 8; ++i) {
    EXPECT_EQ(rows[i].what, "login_failed") << i;
    EXPECT_EQ(rows[i].who, "zhao") << i;
    EXPECT_EQ(rows[i].detail, "bad_credentials") << i;
  }
  EXPECT_EQ(rows[8].what, "login_ok");
  EXPECT_EQ(rows[8].who, "wangfang");
  EXPECT_EQ(rows[8].address, "192.0.2.10");
  EXPECT_EQ(rows[8].at, clock_.now());
  // users.db still has its users: the name was bound, never spliced into SQL.
  EXPECT_EQ(store_->list()->size(), 2u);
}

TEST_F(authenticator_test, logins_beyond_the_queue_limit_are_turned_away_at_once) {
  settings_.max_pending_logins = 2;
  reopen();
  // Hold the worker inside a callback so that the queue fills deterministically.
  std::promise<void> release;
  std::promise<void> holding;
  auth_->recent_audit(1, [&](auto) {
    holding.set_value();
    release.get_future().wait();
  });
  holding.get_future().wait();
  std::vector<std::future<login_result>> queued;
  std::vector<std::shared_ptr<std::promise<login_result>>> answers;
  for (int i = 0; i < 3; ++i) {
    answers.push_back(std::make_shared<std::promise<login_result>>());
    queued.push_back(answers.back()->get_future());
    auth_->login("wangfang", password, "192.0.2.1",
                 [p = answers.back()](login_result r) { p->set_value(std::move(r)); });
  }
  // The third was answered on this thread, before the worker was released.
  ASSERT_EQ(queued[2].wait_for(0s), std::future_status::ready);
  auto turned_away = queued[2].get();
  ASSERT_FALSE(turned_away.has_value());
  EXPECT_EQ(turned_away.error().what, auth_error::code::rate_limited);
  EXPECT_EQ(turned_away.error().retry_after, 1s);
  release.set_value();
  EXPECT_TRUE(queued[0].get().has_value());
  EXPECT_TRUE(queued[1].get().has_value());
}

TEST_F(authenticator_test, authenticate_answers_from_other_threads_while_logins_run) {
  auto s = login("wangfang", password);
  ASSERT_TRUE(s.has_value());
  std::atomic<bool> done{false};
  std::atomic<int> wrong{0};
  std::atomic<long> checks{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto who = auth_->authenticate(s->token);
        if (!who || who->user != "wangfang") ++wrong;
        ++checks;
      }
    });
  }
  std::vector<std::string> tokens;
  for (int i = 0; i < 30; ++i) {
    auto r = login(i % 2 ? "wangfang" : "zhao", password);
    ASSERT_TRUE(r.has_value());
    if (i % 3 == 0) {
      logout(r->token);
    } else {
      tokens.push_back(r->token);
    }
    if (i % 10 == 0) reload();
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(checks.load(), 0);
  for (const auto& t : tokens) EXPECT_TRUE(auth_->authenticate(t).has_value());
  EXPECT_EQ(metrics_.get("campus_auth_sessions").value(), static_cast<std::int64_t>(tokens.size()) + 1);
}

TEST_F(authenticator_test, after_stop_requests_are_answered_stopped_on_the_calling_thread) {
  auth_->stop();
  auth_->stop();  // twice is fine
  auto r = login("wangfang", password);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, auth_error::code::stopped);
}

}  // namespace
}  // namespace campus::auth::test
