#include "notify/sms/sms_rate_limiter.hpp"

#include <gtest/gtest.h>

namespace campus::notify::sms {
namespace {

using namespace std::chrono_literals;
using verdict = sms_rate_limiter::verdict;

const std::string phone_a = "+8613800000001";
const std::string phone_b = "+8613800000002";

struct tally {
  int individual = 0;
  std::vector<grouped_alerts> summaries;
  int messages() const { return individual + static_cast<int>(summaries.size()); }
};

TEST(sms_rate_limiter, flapping_sensor_costs_a_phone_at_most_n_plus_a_summary) {
  core::manual_clock clock;
  sms_rate_limiter limiter({3, 10min, 24h}, clock);
  const auto start = clock.now();
  tally a, b;
  // 100 alerts in 10 minutes from one flapping sensor, to phone A; one alert to phone B.
  for (int i = 0; i < 100; ++i) {
    clock.set(start + 6s * i);
    if (limiter.offer(phone_a, "gas/kitchen-1", core::severity::orange) == verdict::send)
      ++a.individual;
    if (i == 50 && limiter.offer(phone_b, "door/lab-1", core::severity::yellow) == verdict::send)
      ++b.individual;
    for (auto& g : limiter.take_due()) (g.phone == phone_a ? a : b).summaries.push_back(g);
  }
  EXPECT_EQ(a.individual, 3);
  EXPECT_TRUE(a.summaries.empty());
  EXPECT_EQ(b.individual, 1);  // another phone is unaffected
  // The window opens again ten minutes after the first message: one summary for the rest.
  ASSERT_TRUE(limiter.next_due().has_value());
  EXPECT_EQ(*limiter.next_due(), start + 10min);
  clock.set(start + 10min);
  for (auto& g : limiter.take_due()) (g.phone == phone_a ? a : b).summaries.push_back(g);
  ASSERT_EQ(a.summaries.size(), 1u);
  EXPECT_EQ(a.summaries[0].count, 97);
  EXPECT_EQ(a.summaries[0].highest, core::severity::orange);
  EXPECT_EQ(a.summaries[0].first_at, start + 18s);
  EXPECT_EQ(a.summaries[0].last_at, start + 594s);
  EXPECT_EQ(a.messages(), 4);
  EXPECT_TRUE(b.summaries.empty());
  EXPECT_FALSE(limiter.next_due().has_value());
}

TEST(sms_rate_limiter, never_more_than_n_per_window_over_an_hour_of_flapping) {
  core::manual_clock clock;
  sms_rate_limiter limiter({3, 10min, 24h}, clock);
  const auto start = clock.now();
  std::vector<core::time_point> sent;
  for (int i = 0; i < 600; ++i) {  // every 6 s for an hour
    clock.set(start + 6s * i);
    if (limiter.offer(phone_a, "gas/kitchen-1", core::severity::yellow) != verdict::grouped)
      sent.push_back(clock.now());
    for (auto& g : limiter.take_due()) {
      (void)g;
      sent.push_back(clock.now());
    }
  }
  for (std::size_t i = 3; i < sent.size(); ++i)
    EXPECT_GE(sent[i] - sent[i - 3], 10min) << "message " << i;
  EXPECT_LE(sent.size(), 3u * 6u + 3u);
}

TEST(sms_rate_limiter, a_new_alert_does_not_overtake_a_waiting_group) {
  core::manual_clock clock;
  sms_rate_limiter limiter({1, 10min, 24h}, clock);
  EXPECT_EQ(limiter.offer(phone_a, "k1", core::severity::yellow), verdict::send);
  EXPECT_EQ(limiter.offer(phone_a, "k2", core::severity::yellow), verdict::grouped);
  clock.advance(10min);
  // The slot is free, but the group came first: the new alert joins it.
  EXPECT_EQ(limiter.offer(phone_a, "k3", core::severity::orange), verdict::grouped);
  auto due = limiter.take_due();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].count, 2);
  EXPECT_EQ(due[0].highest, core::severity::orange);
}

TEST(sms_rate_limiter, first_red_per_key_always_goes_repeats_are_limited) {
  core::manual_clock clock;
  sms_rate_limiter limiter({2, 10min, 24h}, clock);
  EXPECT_EQ(limiter.offer(phone_a, "k1", core::severity::yellow), verdict::send);
  EXPECT_EQ(limiter.offer(phone_a, "k2", core::severity::yellow), verdict::send);
  EXPECT_EQ(limiter.offer(phone_a, "k3", core::severity::yellow), verdict::grouped);
  // Window full and a group waiting: the first red for a key still goes.
  EXPECT_EQ(limiter.offer(phone_a, "fire", core::severity::red), verdict::send_red);
  EXPECT_EQ(limiter.offer(phone_a, "gas", core::severity::red), verdict::send_red);
  // The same red alert again (an update, or the sensor flapping) waits like the rest.
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(limiter.offer(phone_a, "fire", core::severity::red), verdict::grouped);
  // The red sent takes slots: the group waits until the window has room again.
  clock.advance(10min - 1ms);
  EXPECT_TRUE(limiter.take_due().empty());
  clock.advance(1ms);
  auto due = limiter.take_due();
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].count, 21);
  EXPECT_EQ(due[0].highest, core::severity::red);
  // After red_memory, the same key counts as a first red again.
  clock.advance(24h);
  EXPECT_EQ(limiter.offer(phone_a, "fire", core::severity::red), verdict::send_red);
}

TEST(sms_rate_limiter, idle_phones_are_forgotten) {
  core::manual_clock clock;
  sms_rate_limiter limiter({3, 10min, 1h}, clock);
  limiter.offer(phone_a, "k", core::severity::yellow);
  limiter.offer(phone_b, "r", core::severity::red);
  EXPECT_EQ(limiter.tracked_phones(), 2u);
  clock.advance(10min);
  limiter.take_due();
  EXPECT_EQ(limiter.tracked_phones(), 1u);  // B remembers its red key for an hour
  clock.advance(1h);
  limiter.take_due();
  EXPECT_EQ(limiter.tracked_phones(), 0u);
}

}  // namespace
}  // namespace campus::notify::sms
