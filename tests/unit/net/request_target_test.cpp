#include "net/request_target.hpp"

#include <gtest/gtest.h>

namespace campus::net {
namespace {

TEST(request_target, splits_path_and_decodes_query_parameters) {
  auto t = request_target::parse("/api/devices?site=s%201&x=a+b&flag");
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->path(), "/api/devices");
  ASSERT_NE(t->param("site"), nullptr);
  EXPECT_EQ(*t->param("site"), "s 1");
  EXPECT_EQ(*t->param("x"), "a b");
  EXPECT_EQ(*t->param("flag"), "");
  EXPECT_EQ(t->param("missing"), nullptr);
}

TEST(request_target, decodes_the_path_so_encoded_dots_are_seen_as_dots) {
  auto t = request_target::parse("/%2e%2E/secret");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path(), "/../secret");
}

TEST(request_target, refuses_malformed_targets_with_a_reason) {
  EXPECT_FALSE(request_target::parse(""));
  EXPECT_FALSE(request_target::parse("http://host/x"));
  EXPECT_FALSE(request_target::parse("/a%2"));
  EXPECT_FALSE(request_target::parse("/a%zz"));
  EXPECT_FALSE(request_target::parse("/a%00b"));
  auto dup = request_target::parse("/api/alerts?site=a&site=b");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().find("'site' given more than once"), std::string::npos) << dup.error();
}

}  // namespace
}  // namespace campus::net
