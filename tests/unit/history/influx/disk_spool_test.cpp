// The spool as a durable FIFO: order across reopen, the delivered cursor, torn tails, the bound.
#include "history/influx/disk_spool.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.hpp"

namespace campus::history {
namespace {

disk_spool open_or_fail(const std::filesystem::path& dir, disk_spool::options o = {}) {
  auto s = disk_spool::open(dir, o);
  if (!s) throw std::runtime_error(s.error());
  return std::move(*s);
}

disk_spool::record rec(int i) {
  return {1'700'000'000'000 + i, static_cast<std::uint32_t>(i + 1),
          "m v=" + std::to_string(i) + " " + std::to_string(i) + "\n"};
}

std::vector<std::string> drain(disk_spool& s) {
  std::vector<std::string> out;
  while (auto f = s.front()) {
    EXPECT_TRUE(f->has_value());
    out.push_back((*f)->lines);
    s.pop();
  }
  return out;
}

std::vector<std::string> lines_of(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i < to; ++i) out.push_back(rec(i).lines);
  return out;
}

std::vector<std::filesystem::path> segments(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".spool") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(disk_spool, records_come_back_in_order_after_reopen) {
  test::temp_dir dir;
  {
    auto s = open_or_fail(dir.path());
    EXPECT_TRUE(s.empty());
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(s.push(rec(i)));
    EXPECT_EQ(s.records(), 10u);
    EXPECT_EQ(s.points(), 55u);
    EXPECT_EQ(s.oldest_created_ms(), 1'700'000'000'000);
  }
  auto s = open_or_fail(dir.path());
  ASSERT_EQ(s.records(), 10u);
  EXPECT_EQ(s.points(), 55u);
  auto first = s.front();
  ASSERT_TRUE(first && first->has_value());
  EXPECT_EQ((*first)->created_ms, 1'700'000'000'000);
  EXPECT_EQ((*first)->points, 1u);
  EXPECT_EQ(drain(s), lines_of(0, 10));
  EXPECT_EQ(s.bytes(), 0u);
  EXPECT_TRUE(segments(dir.path()).empty()) << "a drained spool leaves no segment behind";
}

TEST(disk_spool, delivered_records_stay_delivered_across_reopen) {
  test::temp_dir dir;
  {
    auto s = open_or_fail(dir.path(), {.max_bytes = 1 << 20, .segment_bytes = 100});
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(s.push(rec(i)));
    EXPECT_GT(segments(dir.path()).size(), 2u);
    for (int i = 0; i < 4; ++i) s.pop();
  }
  auto s = open_or_fail(dir.path(), {.max_bytes = 1 << 20, .segment_bytes = 100});
  EXPECT_EQ(drain(s), lines_of(4, 10));
}

TEST(disk_spool, appends_after_reopen_follow_the_old_records) {
  test::temp_dir dir;
  {
    auto s = open_or_fail(dir.path());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(s.push(rec(i)));
  }
  {
    auto s = open_or_fail(dir.path());
    for (int i = 3; i < 6; ++i) ASSERT_TRUE(s.push(rec(i)));
  }
  auto s = open_or_fail(dir.path());
  EXPECT_EQ(drain(s), lines_of(0, 6));
}

TEST(disk_spool, torn_tail_is_skipped_and_the_rest_kept) {
  test::temp_dir dir;
  {
    auto s = open_or_fail(dir.path());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(s.push(rec(i)));
  }
  auto segs = segments(dir.path());
  ASSERT_EQ(segs.size(), 1u);
  // A crash in the middle of the last write: the file ends inside the record.
  std::filesystem::resize_file(segs[0], std::filesystem::file_size(segs[0]) - 3);
  {
    auto s = open_or_fail(dir.path());
    EXPECT_EQ(s.records(), 4u);
    ASSERT_TRUE(s.push(rec(9)));  // new records go to a new segment, after the damage
  }
  auto s = open_or_fail(dir.path());
  auto expected = lines_of(0, 4);
  expected.push_back(rec(9).lines);
  EXPECT_EQ(drain(s), expected);
}

TEST(disk_spool, corrupt_record_is_found_by_its_crc) {
  test::temp_dir dir;
  {
    auto s = open_or_fail(dir.path());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(s.push(rec(i)));
  }
  auto seg = segments(dir.path()).at(0);
  {
    // Flip one byte of the last record's text (the file's last byte is its '\n').
    std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-2, std::ios::end);
    f.put('X');
  }
  auto s = open_or_fail(dir.path());
  EXPECT_EQ(drain(s), lines_of(0, 2));
}

TEST(disk_spool, garbage_appended_after_records_is_ignored) {
  test::temp_dir dir;
  {
    auto s = open_or_fail(dir.path());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(s.push(rec(i)));
  }
  std::ofstream(segments(dir.path()).at(0), std::ios::app | std::ios::binary) << "CSP1\xff\xff";
  auto s = open_or_fail(dir.path());
  EXPECT_EQ(drain(s), lines_of(0, 3));
}

TEST(disk_spool, over_the_bound_the_oldest_segments_go) {
  test::temp_dir dir;
  const std::uint64_t frame = 24 + rec(10).lines.size();  // header + body head + text
  disk_spool::options o{.max_bytes = frame * 20, .segment_bytes = frame * 4};
  auto s = open_or_fail(dir.path(), o);
  for (int i = 10; i < 40; ++i) ASSERT_TRUE(s.push(rec(i)));
  EXPECT_LE(s.bytes(), o.max_bytes);
  EXPECT_GT(s.dropped_bytes(), 0u);
  EXPECT_EQ(s.dropped_bytes() + s.bytes(), frame * 30) << "every byte is either kept or counted";
  auto kept = drain(s);
  ASSERT_FALSE(kept.empty());
  // What is left is the newest records, still in order, ending with the last one pushed.
  const int first = 40 - static_cast<int>(kept.size());
  EXPECT_EQ(kept, lines_of(first, 40));
  EXPECT_GE(kept.size(), 16u);
}

TEST(disk_spool, a_record_larger_than_the_whole_spool_is_refused) {
  test::temp_dir dir;
  auto s = open_or_fail(dir.path(), {.max_bytes = 64, .segment_bytes = 16});
  disk_spool::record big{1, 1, std::string(100, 'x')};
  EXPECT_FALSE(s.push(big));
  EXPECT_TRUE(s.empty());
  EXPECT_GT(s.dropped_bytes(), 100u);
}

}  // namespace
}  // namespace campus::history
