// What users.db keeps: hashes and never passwords, the refusals, sessions ended by a password
// change or by disabling, the audit log, the file's mode.
#include <sys/stat.h>

#include "auth/session_token.hpp"
#include "auth_fixture.hpp"

namespace campus::auth::test {
namespace {

TEST_F(auth_fixture, the_file_keeps_an_argon2id_hash_and_never_the_password) {
  const std::string password = "Xinghuo-kitchen-2025";
  add(make_user("wangfang", role::duty_leader, {"xh-primary"}, "王芳"), password);
  EXPECT_EQ(file_bytes(path_).find(password), std::string::npos);
  EXPECT_NE(file_bytes(path_).find("$argon2id$"), std::string::npos);

  auto ok = store_->verify("wangfang", password);
  ASSERT_TRUE(ok.has_value()) << ok.error();
  ASSERT_TRUE(ok->has_value());
  EXPECT_EQ((*ok)->display_name, "王芳");
  EXPECT_EQ((*ok)->level, role::duty_leader);
  EXPECT_EQ((*ok)->sites, std::vector<std::string>{"xh-primary"});

  auto wrong = store_->verify("wangfang", "Xinghuo-kitchen-2024");
  ASSERT_TRUE(wrong.has_value());
  EXPECT_FALSE(wrong->has_value());
  auto unknown = store_->verify("nobody", password);
  ASSERT_TRUE(unknown.has_value());
  EXPECT_FALSE(unknown->has_value());
}

TEST_F(auth_fixture, duplicates_bad_names_missing_sites_and_short_passwords_are_refused) {
  add(make_user("wangfang", role::viewer, {"xh-primary"}));
  auto duplicate = store_->add_user(make_user("wangfang", role::admin, {}), "another password");
  ASSERT_FALSE(duplicate.has_value());
  EXPECT_NE(duplicate.error().find("already exists"), std::string::npos) << duplicate.error();

  EXPECT_FALSE(store_->add_user(make_user("Wang Fang", role::viewer, {"a"}), "long enough pw"));
  EXPECT_FALSE(store_->add_user(make_user("lihua", role::safety_director, {}), "long enough pw"));
  auto short_password = store_->add_user(make_user("lihua", role::viewer, {"a"}), "short");
  ASSERT_FALSE(short_password.has_value());
  EXPECT_NE(short_password.error().find("at least 10"), std::string::npos);

  auto users = store_->list();
  ASSERT_TRUE(users.has_value());
  ASSERT_EQ(users->size(), 1u);  // nothing refused was stored
  EXPECT_EQ(users->front().level, role::viewer);
}

TEST_F(auth_fixture, list_returns_every_field_by_name) {
  add(make_user("zhao", role::bureau, {}, "赵局"));
  add(make_user("an", role::safety_director, {"xh-primary", "dq-middle"}));
  auto users = store_->list();
  ASSERT_TRUE(users.has_value());
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "an");
  EXPECT_EQ((*users)[0].display_name, "an");  // none given: the name
  EXPECT_EQ((*users)[0].sites, (std::vector<std::string>{"xh-primary", "dq-middle"}));
  EXPECT_EQ((*users)[0].created_at, core::from_epoch_ms(1763860000000));
  EXPECT_EQ((*users)[1].name, "zhao");
  EXPECT_EQ((*users)[1].display_name, "赵局");
  EXPECT_EQ((*users)[1].level, role::bureau);
  EXPECT_TRUE((*users)[1].sites.empty());
  EXPECT_FALSE((*users)[1].disabled);
}

TEST_F(auth_fixture, a_new_password_replaces_the_old_and_ends_the_users_sessions) {
  add(make_user("wangfang", role::viewer, {"a"}));
  add(make_user("lihua", role::viewer, {"a"}));
  const auto now = clock_.now();
  ASSERT_TRUE(store_->add_session(token_digest(new_session_token()), "wangfang", "", now, now + 1h));
  ASSERT_TRUE(store_->add_session(token_digest(new_session_token()), "lihua", "", now, now + 1h));

  ASSERT_TRUE(store_->set_password("wangfang", "a brand new secret").has_value());
  EXPECT_FALSE(store_->verify("wangfang", "correct horse battery")->has_value());
  EXPECT_TRUE(store_->verify("wangfang", "a brand new secret")->has_value());
  auto live = store_->live_sessions(now);
  ASSERT_TRUE(live.has_value());
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ(live->front().user.name, "lihua");

  EXPECT_FALSE(store_->set_password("nobody", "a brand new secret").has_value());
  EXPECT_FALSE(store_->set_password("lihua", "short").has_value());
}

TEST_F(auth_fixture, disabling_ends_sessions_and_enabling_does_not_bring_them_back) {
  add(make_user("wangfang", role::viewer, {"a"}));
  const auto now = clock_.now();
  ASSERT_TRUE(store_->add_session(token_digest(new_session_token()), "wangfang", "", now, now + 1h));
  ASSERT_TRUE(store_->set_disabled("wangfang", true).has_value());
  EXPECT_TRUE(store_->session_digests()->empty());
  auto verified = store_->verify("wangfang", "correct horse battery");
  ASSERT_TRUE(verified.has_value() && verified->has_value());
  EXPECT_TRUE((*verified)->disabled);  // the caller tells a disabled user apart

  ASSERT_TRUE(store_->set_disabled("wangfang", false).has_value());
  EXPECT_FALSE(store_->find("wangfang").value()->disabled);
  EXPECT_TRUE(store_->session_digests()->empty());
  EXPECT_FALSE(store_->set_disabled("nobody", true).has_value());
}

TEST_F(auth_fixture, expired_sessions_are_not_live_and_are_removed) {
  add(make_user("wangfang", role::viewer, {"a"}));
  const auto now = clock_.now();
  ASSERT_TRUE(store_->add_session("d1", "wangfang", "", now, now + 1h));
  ASSERT_TRUE(store_->add_session("d2", "wangfang", "", now, now + 2h));
  EXPECT_EQ(store_->live_sessions(now + 1h)->size(), 1u);
  EXPECT_EQ(store_->remove_expired(now + 1h).value(), 1);
  EXPECT_EQ(store_->session_digests().value(), std::vector<std::string>{"d2"});
}

TEST_F(auth_fixture, the_audit_log_reads_newest_first_with_untrusted_text_bounded) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->append_audit(audit_event{clock_.now() + std::chrono::seconds{i}, "cli",
                                                 "user_add", "", "n" + std::to_string(i)}));
  }
  ASSERT_TRUE(store_->append_audit(audit_event{clock_.now(), std::string(5000, 'w'), "login_failed",
                                               std::string(5000, '1'), std::string(5000, 'd')}));
  auto rows = store_->recent_audit(3);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].what, "login_failed");
  EXPECT_LE((*rows)[0].who.size(), 128u);
  EXPECT_LE((*rows)[0].address.size(), 64u);
  EXPECT_LE((*rows)[0].detail.size(), 1024u);
  EXPECT_EQ((*rows)[1].detail, "n4");
  EXPECT_EQ((*rows)[2].detail, "n3");
  EXPECT_EQ((*rows)[2].at, clock_.now() + 3s);
  EXPECT_EQ((*rows)[2].who, "cli");
}

TEST_F(auth_fixture, only_the_owner_may_read_the_file) {
  struct stat st{};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(auth_fixture, another_connections_change_moves_the_data_version) {
  auto other = user_store::open(path_, password_cost::minimum());
  ASSERT_TRUE(other.has_value());
  const auto before = store_->data_version().value();
  EXPECT_EQ(store_->data_version().value(), before);
  add(make_user("wangfang", role::viewer, {"a"}));  // through store_: not "another" for it
  EXPECT_EQ(store_->data_version().value(), before);
  ASSERT_TRUE((*other)->set_disabled("wangfang", true));
  EXPECT_NE(store_->data_version().value(), before);
}

}  // namespace
}  // namespace campus::auth::test
