#include "broker/mosquitto_password.hpp"

#include <gtest/gtest.h>

#include <set>

namespace campus::broker {
namespace {

// RFC 6070-style check of the primitive with a known answer: PBKDF2-HMAC-SHA512 of "password"
// and salt "salt" with 1 iteration starts 867f70cf 1ade02cf f3752599 (the published vector).
TEST(mosquitto_password, pbkdf2_sha512_matches_the_published_test_vector) {
  std::string hash = mosquitto_hash("password", "salt", 1);
  ASSERT_TRUE(hash.starts_with("$7$1$c2FsdA==$")) << hash;
  auto raw = unbase64(hash.substr(std::string("$7$1$c2FsdA==$").size()));
  ASSERT_TRUE(raw) << raw.error();
  ASSERT_EQ(raw->size(), 64u);
  const unsigned char expected[] = {0x86, 0x7f, 0x70, 0xcf, 0x1a, 0xde, 0x02, 0xcf,
                                    0xf3, 0x75, 0x25, 0x99};
  for (std::size_t i = 0; i < sizeof expected; ++i)
    EXPECT_EQ(static_cast<unsigned char>((*raw)[i]), expected[i]) << "byte " << i;
}

TEST(mosquitto_password, hash_has_mosquitto_2_shape_and_verifies_by_recomputation) {
  auto hash = mosquitto_hash("s3cret-Pass");
  ASSERT_TRUE(hash) << hash.error();
  // $7$<iterations>$<16 base64 chars = 12-byte salt>$<88 base64 chars = 64-byte hash>
  ASSERT_TRUE(hash->starts_with("$7$" + std::to_string(pbkdf2_iterations) + "$")) << *hash;
  auto salt_at = hash->find('$', 3) + 1;
  auto hash_at = hash->find('$', salt_at) + 1;
  EXPECT_EQ(hash_at - salt_at - 1, 16u);
  EXPECT_EQ(hash->size() - hash_at, 88u);
  EXPECT_EQ(unbase64(hash->substr(salt_at, 16))->size(), salt_bytes);

  EXPECT_TRUE(mosquitto_hash_matches(*hash, "s3cret-Pass"));
  EXPECT_FALSE(mosquitto_hash_matches(*hash, "s3cret-pass"));
  EXPECT_FALSE(mosquitto_hash_matches(*hash, ""));
}

TEST(mosquitto_password, each_hash_gets_its_own_salt) {
  auto a = mosquitto_hash("same");
  auto b = mosquitto_hash("same");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(mosquitto_hash_matches(*a, "same"));
  EXPECT_TRUE(mosquitto_hash_matches(*b, "same"));
}

TEST(mosquitto_password, malformed_entries_never_match) {
  auto good = mosquitto_hash("pw", std::string(12, 'x'), 5);
  EXPECT_TRUE(mosquitto_hash_matches(good, "pw"));
  for (std::string bad : {std::string(""), std::string("$6$abc$def"), std::string("$7$"),
                          std::string("$7$0$eHh4eHh4eHh4eHh4$AAAA"),
                          std::string("$7$x$eHh4eHh4eHh4eHh4$AAAA"),
                          std::string("$7$5$c2FsdA==$") + good.substr(good.rfind('$') + 1),
                          std::string("$7$99999999999$eHh4eHh4eHh4eHh4$AAAA"),
                          good + "$extra", good.substr(0, good.size() - 4)}) {
    EXPECT_FALSE(mosquitto_hash_matches(bad, "pw")) << bad;
  }
}

TEST(mosquitto_password, new_passwords_are_long_url_safe_and_distinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    auto p = new_password();
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p->size(), 32u);
    for (char c : *p) {
      bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      EXPECT_TRUE(ok) << *p;
    }
    seen.insert(*p);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(mosquitto_password, base64_round_trips_and_refuses_garbage) {
  for (std::string s : {std::string("a"), std::string("ab"), std::string("abc"),
                        std::string("abcd"), std::string("\0\xff\x10", 3)}) {
    auto back = unbase64(base64(s));
    ASSERT_TRUE(back) << s;
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(unbase64(""));
  EXPECT_FALSE(unbase64("abc"));
  EXPECT_FALSE(unbase64("ab!d"));
}

}  // namespace
}  // namespace campus::broker
