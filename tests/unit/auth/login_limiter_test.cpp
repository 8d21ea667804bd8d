// Failed logins counted per address and per name, on an injected time line.
#include <gtest/gtest.h>

#include <string>

#include "auth/login_limiter.hpp"
#include "core/clock.hpp"

namespace campus::auth::test {
namespace {

using namespace std::chrono_literals;

class login_limiter_test : public ::testing::Test {
 protected:
  login_limiter limiter_{login_limiter::settings{5, 15min, 10min}};
  core::manual_clock clock_;
};

TEST_F(login_limiter_test, one_address_trying_many_names_is_locked_out) {
  for (int i = 0; i < 4; ++i) {
    limiter_.failed("10.0.0.1", "user" + std::to_string(i), clock_.now());
    clock_.advance(1s);
  }
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone", clock_.now()), 0s);
  limiter_.failed("10.0.0.1", "user4", clock_.now());
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone", clock_.now()), 10min);
  EXPECT_EQ(limiter_.retry_after("10.0.0.2", "someone", clock_.now()), 0s);
  clock_.advance(4min + 500ms);
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone", clock_.now()), 6min);  // rounded up
  clock_.advance(5min + 59s + 500ms);
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "someone", clock_.now()), 0s);
}

TEST_F(login_limiter_test, one_name_tried_from_many_addresses_is_locked_out) {
  for (int i = 0; i < 5; ++i) {
    limiter_.failed("10.0.0." + std::to_string(i), "wangfang", clock_.now());
  }
  EXPECT_EQ(limiter_.retry_after("10.9.9.9", "wangfang", clock_.now()), 10min);
  EXPECT_EQ(limiter_.retry_after("10.9.9.9", "lihua", clock_.now()), 0s);
}

TEST_F(login_limiter_test, failures_older_than_the_window_do_not_count) {
  for (int i = 0; i < 4; ++i) limiter_.failed("10.0.0.1", "wangfang", clock_.now());
  clock_.advance(15min);
  for (int i = 0; i < 4; ++i) limiter_.failed("10.0.0.1", "wangfang", clock_.now());
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "wangfang", clock_.now()), 0s);
  limiter_.failed("10.0.0.1", "wangfang", clock_.now());
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "wangfang", clock_.now()), 10min);
}

TEST_F(login_limiter_test, a_success_clears_the_name_but_not_the_address) {
  for (int i = 0; i < 4; ++i) limiter_.failed("10.0.0.1", "wangfang", clock_.now());
  limiter_.succeeded("wangfang");
  limiter_.failed("10.0.0.2", "wangfang", clock_.now());
  EXPECT_EQ(limiter_.retry_after("10.0.0.2", "wangfang", clock_.now()), 0s);
  limiter_.failed("10.0.0.1", "lihua", clock_.now());
  EXPECT_EQ(limiter_.retry_after("10.0.0.1", "lihua", clock_.now()), 10min);
}

TEST_F(login_limiter_test, memory_stays_bounded_when_every_attempt_comes_from_a_new_address) {
  for (int i = 0; i < 3000; ++i) {
    limiter_.failed("a" + std::to_string(i), "n" + std::to_string(i), clock_.now());
  }
  EXPECT_EQ(limiter_.tracked(), 6000u);  // all still inside the window: nothing may be forgotten
  clock_.advance(16min);
  for (int i = 0; i < 3000; ++i) {
    limiter_.failed("b" + std::to_string(i), "m" + std::to_string(i), clock_.now());
  }
  // Only the second batch is left: the first was dropped on the way (12000 without pruning).
  EXPECT_EQ(limiter_.tracked(), 6000u);
}

TEST(login_limiter, an_address_may_have_its_own_higher_limit) {
  core::manual_clock clock;
  login_limiter limiter{login_limiter::settings{5, 15min, 10min, 30}};
  // A school's NAT: 29 staff mistype once each — nobody is locked out.
  for (int i = 0; i < 29; ++i) limiter.failed("203.0.113.7", "user" + std::to_string(i), clock.now());
  EXPECT_EQ(limiter.retry_after("203.0.113.7", "someone", clock.now()), 0s);
  limiter.failed("203.0.113.7", "user29", clock.now());
  EXPECT_EQ(limiter.retry_after("203.0.113.7", "someone", clock.now()), 10min);
  // One name is still capped at five, whatever the address allows.
  for (int i = 0; i < 5; ++i) limiter.failed("198.51.100.1", "wangfang", clock.now());
  EXPECT_EQ(limiter.retry_after("198.51.100.2", "wangfang", clock.now()), 10min);
}

}  // namespace
}  // namespace campus::auth::test
