#include "net/send_queue.hpp"

#include <gtest/gtest.h>

namespace campus::net {
namespace {

send_queue::message msg(std::string s) { return std::make_shared<const std::string>(std::move(s)); }
send_queue::key key(std::string s) { return std::make_shared<const std::string>(std::move(s)); }

std::vector<std::string> drain(send_queue& q) {
  std::vector<std::string> order;
  while (!q.empty()) {
    order.push_back(*q.front());
    q.pop();
  }
  return order;
}

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
  q.push(msg("gas=1"), key("gas"));
  q.push(msg("alert-1"));
  EXPECT_EQ(q.push(msg("gas=2"), key("gas")), send_queue::push_result::coalesced);
  EXPECT_EQ(q.push(msg("co=5"), key("co")), send_queue::push_result::queued);
  ASSERT_EQ(q.size(), 4u);
  // The newer value took the older one's place, ahead of the reading queued after it; the
  // alert went ahead of both.
  EXPECT_EQ(drain(q), (std::vector<std::string>{"alert-0", "alert-1", "gas=2", "co=5"}));
}

TEST(send_queue, the_message_being_written_is_never_replaced) {
  send_queue q(8);
  EXPECT_EQ(q.push(msg("gas=1"), key("gas")), send_queue::push_result::started);
  EXPECT_EQ(q.push(msg("gas=2"), key("gas")), send_queue::push_result::queued);
  EXPECT_EQ(*q.front(), "gas=1");
  q.pop();  // gas=2 is now being written
  EXPECT_EQ(q.push(msg("gas=3"), key("gas")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("gas=4"), key("gas")), send_queue::push_result::coalesced);
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
  q.push(msg("gas=1"), key("gas"));
  q.push(msg("a2"));
  EXPECT_EQ(q.push(msg("gas=2"), key("gas")), send_queue::push_result::coalesced);
  // A new key beyond the keyed limit is dropped, not an overflow: the client stays.
  EXPECT_EQ(q.push(msg("co=1"), key("co")), send_queue::push_result::dropped);
  EXPECT_EQ(q.size(), 3u);
}

TEST(send_queue, readings_summaries_and_alerts_are_bounded_separately) {
  send_queue q(2, 2);
  EXPECT_EQ(q.push(msg("snapshot")), send_queue::push_result::started);
  EXPECT_EQ(q.push(msg("gas=1"), key("gas")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("co=1"), key("co")), send_queue::push_result::queued);
  // Two readings wait: a third key is dropped, a known one still replaced.
  EXPECT_EQ(q.push(msg("temp=1"), key("temp")), send_queue::push_result::dropped);
  EXPECT_EQ(q.push(msg("gas=2"), key("gas")), send_queue::push_result::coalesced);
  // Summaries (few keys, one per school) are never crowded out by readings...
  for (int school = 0; school < 5; ++school) {
    EXPECT_EQ(q.push(msg("school " + std::to_string(school)),
                     key("school\n" + std::to_string(school)), true),
              send_queue::push_result::queued);
  }
  EXPECT_EQ(q.push(msg("school 3'"), key("school\n3"), true), send_queue::push_result::coalesced);
  // ...and take no room from alerts: one more fits beside the snapshot, then overflow.
  EXPECT_EQ(q.push(msg("alert")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("alert 2")), send_queue::push_result::overflow);
  EXPECT_EQ(q.size(), 9u);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"snapshot", "alert", "gas=2", "co=1", "school 0",
                                                "school 1", "school 2", "school 3'", "school 4"}));
  // Written: the room is back for both kinds.
  EXPECT_EQ(q.push(msg("temp=2"), key("temp")), send_queue::push_result::started);
  EXPECT_EQ(q.push(msg("hum=2"), key("hum")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("a")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("b")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("c")), send_queue::push_result::overflow);
}

TEST(send_queue, the_keyed_message_being_written_counts_until_it_is_popped) {
  send_queue q(4, 1);
  EXPECT_EQ(q.push(msg("gas=1"), key("gas")), send_queue::push_result::started);
  EXPECT_EQ(q.push(msg("co=1"), key("co")), send_queue::push_result::dropped);
  q.pop();
  EXPECT_EQ(q.push(msg("co=1"), key("co")), send_queue::push_result::started);
  q.drop_pending();
  EXPECT_EQ(q.push(msg("gas=2"), key("gas")), send_queue::push_result::dropped);
  q.pop();
  EXPECT_EQ(q.push(msg("gas=2"), key("gas")), send_queue::push_result::started);
}

TEST(send_queue, drop_pending_keeps_only_the_message_being_written) {
  send_queue q(8);
  q.push(msg("a1"));
  q.push(msg("gas=1"), key("gas"));
  q.push(msg("a2"));
  q.drop_pending();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(*q.front(), "a1");
  q.pop();
  EXPECT_TRUE(q.empty());
  // No stale key survives: a later reading is an ordinary new entry.
  EXPECT_EQ(q.push(msg("gas=2"), key("gas")), send_queue::push_result::started);
}

TEST(send_queue, an_alert_overtakes_every_reading_and_summary_that_waits) {
  send_queue q(8, 100);
  q.push(msg("snapshot"));
  for (int i = 0; i < 50; ++i) q.push(msg("r" + std::to_string(i)), key("dev" + std::to_string(i)));
  q.push(msg("school 1"), key("school\n1"), true);
  EXPECT_EQ(q.bulk_waiting(), 51u);
  EXPECT_EQ(q.push(msg("alarm raised")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("entry 7")), send_queue::push_result::queued);
  // The message being written finishes first; then the alerts, in their order, then the rest.
  auto order = drain(q);
  ASSERT_EQ(order.size(), 54u);
  EXPECT_EQ(order[0], "snapshot");
  EXPECT_EQ(order[1], "alarm raised");
  EXPECT_EQ(order[2], "entry 7");
  EXPECT_EQ(order[3], "r0");
  EXPECT_EQ(order[53], "school 1");
}

TEST(send_queue, an_alert_pushed_while_a_reading_is_written_goes_next) {
  send_queue q(8);
  EXPECT_EQ(q.push(msg("gas=1"), key("gas")), send_queue::push_result::started);
  q.push(msg("co=1"), key("co"));
  q.push(msg("gas=2"), key("gas"));
  q.push(msg("alert"));
  q.pop();  // gas=1 written
  EXPECT_EQ(*q.front(), "alert");
  // The reading being written stays what it was; a queued one is still coalesced.
  EXPECT_EQ(q.push(msg("gas=3"), key("gas")), send_queue::push_result::coalesced);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"alert", "co=1", "gas=3"}));
}

TEST(send_queue, readings_queued_between_alerts_are_still_found_to_coalesce) {
  send_queue q(8);
  q.push(msg("snapshot"));
  q.push(msg("gas=1"), key("gas"));
  q.push(msg("alert 1"));
  q.push(msg("co=1"), key("co"));
  q.push(msg("alert 2"));
  q.push(msg("temp=1"), key("temp"));
  EXPECT_EQ(q.push(msg("temp=2"), key("temp")), send_queue::push_result::coalesced);
  EXPECT_EQ(q.push(msg("co=2"), key("co")), send_queue::push_result::coalesced);
  q.pop();  // snapshot written; alert 1 is being written
  EXPECT_EQ(q.push(msg("alert 3")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("temp=3"), key("temp")), send_queue::push_result::coalesced);
  EXPECT_EQ(drain(q), (std::vector<std::string>{"alert 1", "alert 2", "alert 3", "gas=1", "co=2",
                                                "temp=3"}));
}

TEST(send_queue, readings_are_dropped_for_a_slow_client_while_alerts_still_fit) {
  send_queue q(3, 4);
  q.push(msg("snapshot"));
  int dropped = 0;
  for (int i = 0; i < 100; ++i) {
    if (q.push(msg("r"), key("dev" + std::to_string(i))) == send_queue::push_result::dropped)
      ++dropped;
  }
  EXPECT_EQ(dropped, 96);
  EXPECT_EQ(q.push(msg("alert 1")), send_queue::push_result::queued);
  EXPECT_EQ(q.push(msg("alert 2")), send_queue::push_result::queued);
  // Alerts overflow by their own count, whatever the readings do.
  EXPECT_EQ(q.push(msg("alert 3")), send_queue::push_result::overflow);
  q.pop();
  EXPECT_EQ(*q.front(), "alert 1");
}

TEST(send_queue, the_same_key_string_is_shared_by_reference_not_copied) {
  send_queue q(8);
  auto k = key("xh-kitchen-gas-1\nlel_pct\n");
  q.push(msg("snapshot"));
  q.push(msg("lel=1"), k);
  EXPECT_EQ(k.use_count(), 2);  // the test's and the queued entry's
  EXPECT_EQ(q.push(msg("lel=2"), key("xh-kitchen-gas-1\nlel_pct\n")),
            send_queue::push_result::coalesced);  // an equal string finds it
  EXPECT_EQ(drain(q), (std::vector<std::string>{"snapshot", "lel=2"}));
  EXPECT_EQ(k.use_count(), 1);
}

}  // namespace
}  // namespace campus::net
