// Per-address connection cap and request rate, on an explicit clock.
#include <gtest/gtest.h>

#include "net/address_guard.hpp"

namespace campus::net {
namespace {

using namespace std::chrono_literals;

const auto school_nat = boost::asio::ip::make_address("203.0.113.7");
const auto other = boost::asio::ip::make_address("2001:db8::1");

TEST(address_guard, connections_beyond_the_cap_are_refused_until_one_closes) {
  core::metrics metrics;
  address_guard guard({.max_connections = 2, .requests_per_second = 1, .burst = 1}, metrics);
  auto a = guard.admit(school_nat);
  auto b = guard.admit(school_nat);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(guard.admit(school_nat).has_value());
  EXPECT_TRUE(guard.admit(other).has_value());  // another address is not affected
  EXPECT_EQ(metrics.get("campus_http_refused_total", "reason=\"connections\"").value(), 1);
  a.reset();
  EXPECT_TRUE(guard.admit(school_nat).has_value());
}

TEST(address_guard, a_moved_slot_releases_once) {
  core::metrics metrics;
  address_guard guard({.max_connections = 1}, metrics);
  auto a = guard.admit(school_nat);
  ASSERT_TRUE(a);
  {
    std::optional<address_guard::slot> moved(std::move(*a));
    a.reset();  // the moved-from slot releases nothing
    EXPECT_FALSE(guard.admit(school_nat).has_value());
  }
  EXPECT_TRUE(guard.admit(school_nat).has_value());
  EXPECT_EQ(guard.tracked_addresses(), 0u);  // forgotten once its last connection closed
}

TEST(address_guard, requests_beyond_the_burst_wait_for_the_bucket_to_refill) {
  core::metrics metrics;
  address_guard guard({.max_connections = 8, .requests_per_second = 2, .burst = 3}, metrics);
  auto slot = guard.admit(school_nat);
  ASSERT_TRUE(slot);
  const auto t0 = address_guard::clock::now();
  EXPECT_TRUE(guard.allow_request(school_nat, t0));
  EXPECT_TRUE(guard.allow_request(school_nat, t0));
  EXPECT_TRUE(guard.allow_request(school_nat, t0));
  EXPECT_FALSE(guard.allow_request(school_nat, t0));
  EXPECT_GE(guard.retry_after(school_nat), 1s);
  EXPECT_EQ(metrics.get("campus_http_refused_total", "reason=\"rate\"").value(), 1);
  EXPECT_TRUE(guard.allow_request(school_nat, t0 + 500ms));  // 2 per second: one more token
  EXPECT_FALSE(guard.allow_request(school_nat, t0 + 500ms));
  EXPECT_TRUE(guard.allow_request(school_nat, t0 + 10s));  // refilled, capped at the burst
}

}  // namespace
}  // namespace campus::net
