// Roles, their order, what a principal may see, and the rules a user record and a password
// must meet before they reach the file.
#include <gtest/gtest.h>

#include "auth/principal.hpp"
#include "auth/role.hpp"
#include "auth/user_record.hpp"

namespace campus::auth::test {
namespace {

const std::vector<role> all_roles{role::viewer, role::duty_leader, role::safety_director,
                                  role::bureau, role::admin};

TEST(role, names_round_trip_and_unknown_names_are_refused) {
  for (auto r : all_roles) EXPECT_EQ(parse_role(to_string(r)), r) << to_string(r);
  EXPECT_EQ(to_string(role::safety_director), "safety_director");
  EXPECT_FALSE(parse_role("root").has_value());
  EXPECT_FALSE(parse_role("Admin").has_value());
  EXPECT_FALSE(parse_role("").has_value());
}

TEST(principal, a_higher_role_may_do_what_a_lower_one_may_and_not_the_reverse) {
  for (std::size_t i = 0; i < all_roles.size(); ++i) {
    principal p;
    p.level = all_roles[i];
    for (std::size_t j = 0; j < all_roles.size(); ++j) {
      EXPECT_EQ(p.at_least(all_roles[j]), i >= j)
          << to_string(all_roles[i]) << " vs " << to_string(all_roles[j]);
    }
  }
}

TEST(principal, a_school_user_sees_only_their_schools) {
  user_record u;
  u.name = "wangfang";
  u.display_name = "王芳";
  u.level = role::duty_leader;
  u.sites = {"xh-primary", "xh-middle"};
  const auto p = principal::of(u);
  EXPECT_EQ(p.display_name, "王芳");
  EXPECT_FALSE(p.all_sites);
  EXPECT_TRUE(p.may_see("xh-primary"));
  EXPECT_TRUE(p.may_see("xh-middle"));
  EXPECT_FALSE(p.may_see("dq-primary"));
  EXPECT_FALSE(p.may_see(""));
  EXPECT_FALSE(p.may_see("xh-primar"));
}

TEST(principal, bureau_and_admin_see_every_school_and_the_name_stands_in_for_a_display_name) {
  for (auto r : {role::bureau, role::admin}) {
    user_record u;
    u.name = "liu";
    u.level = r;
    const auto p = principal::of(u);
    EXPECT_TRUE(p.all_sites);
    EXPECT_TRUE(p.may_see("any-school"));
    EXPECT_EQ(p.display_name, "liu");
  }
}

TEST(user_record, names_sites_and_display_names_are_checked) {
  user_record u;
  u.name = "wang.fang-2";
  u.display_name = "王芳";
  u.level = role::viewer;
  u.sites = {"xh-primary"};
  EXPECT_TRUE(check_user(u).has_value());

  for (const char* bad : {"", "Wang", "-wang", "wang fang", "wang;drop", "王芳"}) {
    auto v = u;
    v.name = bad;
    EXPECT_FALSE(check_user(v).has_value()) << bad;
  }
  auto long_name = u;
  long_name.name = std::string(65, 'a');
  EXPECT_FALSE(check_user(long_name).has_value());

  auto no_sites = u;
  no_sites.sites.clear();
  ASSERT_FALSE(check_user(no_sites).has_value());
  EXPECT_NE(check_user(no_sites).error().find("needs at least one site"), std::string::npos);

  auto bureau_with_sites = u;
  bureau_with_sites.level = role::bureau;
  EXPECT_FALSE(check_user(bureau_with_sites).has_value());
  bureau_with_sites.sites.clear();
  EXPECT_TRUE(check_user(bureau_with_sites).has_value());

  auto twice = u;
  twice.sites = {"a", "b", "a"};
  EXPECT_FALSE(check_user(twice).has_value());
  auto comma = u;
  comma.sites = {"a,b"};
  EXPECT_FALSE(check_user(comma).has_value());

  for (std::string bad : {std::string("a\nb"), std::string("\x1b[31m"), std::string("\xe7\x8e"),
                          std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                          std::string(129, 'x')}) {
    auto v = u;
    v.display_name = bad;
    EXPECT_FALSE(check_user(v).has_value()) << bad;
  }
}

TEST(user_record, a_password_needs_ten_characters_counted_as_characters_not_bytes) {
  EXPECT_FALSE(check_password("").has_value());
  EXPECT_FALSE(check_password("123456789").has_value());
  EXPECT_TRUE(check_password("1234567890").has_value());
  EXPECT_FALSE(check_password("安全第一安全第一").has_value());  // 8 characters, 24 bytes
  EXPECT_TRUE(check_password("安全第一安全第一安全").has_value());
  EXPECT_FALSE(check_password(std::string(1025, 'x')).has_value());
}

}  // namespace
}  // namespace campus::auth::test
