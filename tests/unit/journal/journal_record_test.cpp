// The journal's record format: what is written is read back, and damage costs only the
// records it touches.
#include <gtest/gtest.h>

#include <string>

#include "journal/journal_record.hpp"

namespace campus::journal {
namespace {

std::string encoded(std::string_view topic, std::string_view payload, std::int64_t ms) {
  std::array<char, record_head_size> head;
  std::string out;
  for (const auto& v : encode_record(topic, payload, core::from_epoch_ms(ms), head))
    out.append(static_cast<const char*>(v.iov_base), v.iov_len);
  EXPECT_EQ(out.size(), record_size(topic, payload));
  return out;
}

TEST(journal_record, round_trip_keeps_topic_payload_and_arrival) {
  const std::string data = encoded("campus/s1/z1/gas1/telemetry", R"({"ppm":12})", 1763860000123) +
                           encoded("campus/s1/z1/gas1/status", "", 1763860000124) +
                           encoded("t", std::string("\0CSJ1\xff", 6), 5);
  auto d = decode_segment(data);
  ASSERT_EQ(d.messages.size(), 3u);
  EXPECT_EQ(d.damaged_bytes, 0u);
  EXPECT_EQ(d.messages[0].topic, "campus/s1/z1/gas1/telemetry");
  EXPECT_EQ(d.messages[0].payload, R"({"ppm":12})");
  EXPECT_EQ(core::to_epoch_ms(d.messages[0].arrived), 1763860000123);
  EXPECT_EQ(d.messages[1].payload, "");
  EXPECT_EQ(d.messages[2].payload, std::string("\0CSJ1\xff", 6));
}

TEST(journal_record, a_torn_last_record_is_skipped) {
  const std::string first = encoded("a", "one", 1);
  const std::string second = encoded("b", "two", 2);
  for (std::size_t cut = 1; cut < second.size(); ++cut) {
    auto d = decode_segment(first + second.substr(0, cut));
    ASSERT_EQ(d.messages.size(), 1u) << "cut at " << cut;
    EXPECT_EQ(d.messages[0].payload, "one");
    EXPECT_EQ(d.damaged_bytes, cut);
  }
}

TEST(journal_record, a_damaged_record_in_the_middle_costs_that_record_only) {
  const std::string a = encoded("a", "one", 1), b = encoded("b", "two", 2),
                    c = encoded("c", "three", 3);
  std::string data = a + b + c;
  data[a.size() + record_head_size + 1] ^= 0x20;  // inside b's payload: its CRC fails
  auto d = decode_segment(data);
  ASSERT_EQ(d.messages.size(), 2u);
  EXPECT_EQ(d.messages[0].payload, "one");
  EXPECT_EQ(d.messages[1].payload, "three");
  EXPECT_EQ(d.damaged_bytes, b.size());

  // A torn record followed by whole ones (a short write on a full disk, not cut back).
  auto e = decode_segment(a + b.substr(0, 10) + c);
  ASSERT_EQ(e.messages.size(), 2u);
  EXPECT_EQ(e.messages[1].payload, "three");
}

}  // namespace
}  // namespace campus::journal
