#include "net/send_queue.hpp"

#include <gtest/gtest.h>

namespace campus::net {
namespace {

send_queue::message msg(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

TEST(send_queue, first_message_starts_a_write_and_later_ones_queue_behind_it) {
  send_queue q(8);
  EXPECT_EQ(q.push(msg("a")), send_queue::push_result::started);
  EXPECT_EQ(q.push(msg("b")), send_queue::push_result::queued);
  EXPECT_EQ(*q.front(), "a");
  q.pop();
  EXPECT_EQ(*q.front(), "b");
  q.pop();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.push(msg("c")), send_queue::push_result::started);
}

TEST(send_queue, a_queued_reading_is_replaced_in_place_by_a_newer_one_with_the_same_key) {
  send_queue q(8);
  q.push(msg("alert-0"));
  q.push(msg("gas=1"), "gas");
  q.push(msg("alert-1"));
  EXPECT_EQ(q.push(msg("gas=2"), "gas"), send_queue::push_result::coalesced);
  EXPECT_EQ(q.push(msg("co=5"), "co"), send_queue::push_result::queued);
  ASSERT_EQ(q.size(), 4u);
  std::vector<std::string> order;
  while (!q.empty()) {
    order.push_back(*q.front());
    q.pop();
  }
  // The newer value took the older one's place, ahead of the alert queued after it.
  EXPECT_EQ(order, (std::vector<std::string>{"alert-0", "gas=2", "alert-1", "co=5"}));
}

TEST(send_queue, the_message_being_written_is_never_replaced) {
  send_queue q(8);
  EXPECT_EQ(q.push(msg("gas=1"), "gas"), send_queue::push_result::started);
  EXPECT_EQ(q.push(msg("gas=2"), "gas"), send_queue::push_result::queued);
  EXPECT_EQ(*q.front(), "gas=1");
  q.pop();  // gas=2 is now being written
  EXPECT_EQ(q.push(msg("gas=3"), "gas"), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("gas=4"), "gas"), send_queue::push_result::coalesced);
  EXPECT_EQ(*q.front(), "gas=2");
  q.pop();
  EXPECT_EQ(*q.front(), "gas=4");
  EXPECT_EQ(q.size(), 1u);
}

TEST(send_queue, messages_without_a_key_are_never_coalesced_and_overflow_at_the_limit) {
  send_queue q(3);
  EXPECT_EQ(q.push(msg("a1")), send_queue::push_result::started);
  EXPECT_EQ(q.push(msg("a2")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("a3")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("a4")), send_queue::push_result::overflow);
  EXPECT_EQ(q.size(), 3u);
}

TEST(send_queue, a_full_queue_still_takes_a_reading_that_replaces_a_queued_one) {
  send_queue q(3, 1);
  q.push(msg("a1"));
  q.push(msg("gas=1"), "gas");
  q.push(msg("a2"));
  EXPECT_EQ(q.push(msg("gas=2"), "gas"), send_queue::push_result::coalesced);
  // A new key beyond the keyed limit is dropped, not an overflow: the client stays.
  EXPECT_EQ(q.push(msg("co=1"), "co"), send_queue::push_result::dropped);
  EXPECT_EQ(q.size(), 3u);
}

TEST(send_queue, readings_summaries_and_alerts_are_bounded_separately) {
  send_queue q(2, 2);
  EXPECT_EQ(q.push(msg("snapshot")), send_queue::push_result::started);
  EXPECT_EQ(q.push(msg("gas=1"), "gas"), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("co=1"), "co"), send_queue::push_result::queued);
  // Two readings wait: a third key is dropped, a known one still replaced.
  EXPECT_EQ(q.push(msg("temp=1"), "temp"), send_queue::push_result::dropped);
  EXPECT_EQ(q.push(msg("gas=2"), "gas"), send_queue::push_result::coalesced);
  // Summaries (few keys, one per school) are never crowded out by readings...
  for (int school = 0; school < 5; ++school) {
    EXPECT_EQ(q.push(msg("school " + std::to_string(school)), "school\n" + std::to_string(school), true),
              send_queue::push_result::queued);
  }
  EXPECT_EQ(q.push(msg("school 3'"), "school\n3", true), send_queue::push_result::coalesced);
  // ...and take no room from alerts: one more fits beside the snapshot, then overflow.
  EXPECT_EQ(q.push(msg("alert")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("alert 2")), send_queue::push_result::overflow);
  EXPECT_EQ(q.size(), 9u);
  std::vector<std::string> order;
  while (!q.empty()) {
    order.push_back(*q.front());
    q.pop();
  }
  EXPECT_EQ(order, (std::vector<std::string>{"snapshot", "gas=2", "co=1", "school 0", "school 1",
                                             "school 2", "school 3'", "school 4", "alert"}));
  // Written: the room is back for both kinds.
  EXPECT_EQ(q.push(msg("temp=2"), "temp"), send_queue::push_result::started);
  EXPECT_EQ(q.push(msg("hum=2"), "hum"), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("a")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("b")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("c")), send_queue::push_result::overflow);
}

TEST(send_queue, the_keyed_message_being_written_counts_until_it_is_popped) {
  send_queue q(4, 1);
  EXPECT_EQ(q.push(msg("gas=1"), "gas"), send_queue::push_result::started);
  EXPECT_EQ(q.push(msg("co=1"), "co"), send_queue::push_result::dropped);
  q.pop();
  EXPECT_EQ(q.push(msg("co=1"), "co"), send_queue::push_result::started);
  q.drop_pending();
  EXPECT_EQ(q.push(msg("gas=2"), "gas"), send_queue::push_result::dropped);
  q.pop();
  EXPECT_EQ(q.push(msg("gas=2"), "gas"), send_queue::push_result::started);
}

TEST(send_queue, drop_pending_keeps_only_the_message_being_written) {
  send_queue q(8);
  q.push(msg("a1"));
  q.push(msg("gas=1"), "gas");
  q.push(msg("a2"));
  q.drop_pending();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(*q.front(), "a1");
  q.pop();
  EXPECT_TRUE(q.empty());
  // No stale key survives: a later reading is an ordinary new entry.
  EXPECT_EQ(q.push(msg("gas=2"), "gas"), send_queue::push_result::started);
}

}  // namespace
}  // namespace campus::net
