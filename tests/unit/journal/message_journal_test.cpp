// The crash journal through its files: append and replay in order, segments sealed by size
// and age, a torn record after a crash mid-write, trimming only once every barrier answered,
// and a full disk (simulated with RLIMIT_FSIZE) handled without losing the journal.
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "core/readiness.hpp"
#include "journal/message_journal.hpp"
#include "support/temp_dir.hpp"

namespace campus::journal {
namespace {

namespace fs = std::filesystem;

struct journal_test : ::testing::Test {
  test::temp_dir dir{"campus-journal-"};
  core::manual_clock clock;
  core::metrics metrics;
  core::readiness readiness{clock, metrics};

  message_journal::options options() {
    message_journal::options o;
    o.dir = dir / "journal";
    return o;
  }
  std::unique_ptr<message_journal> open(message_journal::options o) {
    auto j = message_journal::open(std::move(o), metrics, &readiness);
    EXPECT_TRUE(j.has_value()) << (j ? "" : j.error());
    return j ? std::move(*j) : nullptr;
  }
  std::vector<journaled_message> replay(message_journal& j) {
    std::vector<journaled_message> out;
    j.replay([&](const journaled_message& m) { out.push_back(m); });
    return out;
  }
  std::vector<fs::path> segments() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir / "journal"))
      if (e.path().extension() == ".journal" && fs::file_size(e.path()) > 0)
        out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::int64_t metric(const std::string& name) { return metrics.get(name).value(); }
};

core::time_point at(int i) { return core::from_epoch_ms(1763860000000 + i); }
std::string topic(int i) { return "campus/s1/z1/d" + std::to_string(i) + "/telemetry"; }
std::string payload(int i) { return R"({"ppm":)" + std::to_string(i) + "}"; }

TEST_F(journal_test, messages_come_back_in_order_after_a_restart) {
  {
    auto j = open(options());
    EXPECT_TRUE(replay(*j).empty());
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(j->append(topic(i), payload(i), at(i)));
  }  // no barrier ever answered: nothing may be deleted
  auto j = open(options());
  auto back = replay(*j);
  ASSERT_EQ(back.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(back[i].topic, topic(i));
    EXPECT_EQ(back[i].payload, payload(i));
    EXPECT_EQ(back[i].arrived, at(i));
  }
  EXPECT_EQ(metric("campus_journal_replayed_total"), 100);
  EXPECT_EQ(metric("campus_journal_appends_total"), 100);
}

TEST_F(journal_test, segments_are_sealed_by_size_and_age_and_replayed_in_order) {
  auto o = options();
  o.segment_bytes = 1000;
  o.segment_age = std::chrono::hours{1};
  std::function<void()> held;
  {
    auto j = open(o);
    j->add_barrier([&](std::function<void()> done) { held = std::move(done); });  // never answers
    replay(*j);
    for (int i = 0; i < 200; ++i) {
      if (i % 10 == 0) j->sync();  // the next segment is made ahead by the journal's thread
      ASSERT_TRUE(j->append(topic(i), payload(i), at(i)));
    }
    EXPECT_GT(j->segment_files(), 5u);
    const auto before = j->segment_files();
    j->seal_if_due();  // not a full segment, not an hour old
    j->sync();
    EXPECT_EQ(j->segment_files(), before);
  }
  auto o2 = options();
  o2.segment_age = std::chrono::milliseconds{0};
  auto j = open(o2);
  auto back = replay(*j);
  ASSERT_EQ(back.size(), 200u);
  for (int i = 0; i < 200; ++i) ASSERT_EQ(back[i].payload, payload(i));
  // Age: with segment_age 0 any segment holding a message is due. No barrier here, so the
  // sealed segment (and the replayed ones) are deleted at once.
  j->sync();
  ASSERT_TRUE(j->append(topic(1), payload(1), at(1)));
  const auto before = segments();
  ASSERT_EQ(before.size(), 1u);
  j->seal_if_due();
  j->sync();
  ASSERT_TRUE(j->append(topic(2), payload(2), at(2)));
  const auto after = segments();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_NE(after[0], before[0]);
}

TEST_F(journal_test, a_record_torn_by_a_crash_is_skipped_and_the_rest_replayed) {
  {
    auto j = open(options());
    replay(*j);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(j->append(topic(i), payload(i), at(i)));
  }
  // A crash in the middle of the fourth write: part of its record reached the file.
  auto files = segments();
  ASSERT_EQ(files.size(), 1u);
  {
    std::ofstream f(files[0], std::ios::binary | std::ios::app);
    f.write("CSJ1\x40\x00\x00\x00\x01\x02", 10);
  }
  {
    auto j = open(options());
    std::function<void()> held;  // nothing committed: the replayed segment stays
    j->add_barrier([&](std::function<void()> done) { held = std::move(done); });
    auto back = replay(*j);
    ASSERT_EQ(back.size(), 3u);
    EXPECT_EQ(back[2].payload, payload(2));
    EXPECT_EQ(metric("campus_journal_damaged_bytes_total"), 10);
    // Appends after the restart go to a new segment, after the torn one.
    ASSERT_TRUE(j->append(topic(9), payload(9), at(9)));
  }
  auto j = open(options());
  auto back = replay(*j);
  ASSERT_EQ(back.size(), 4u);
  EXPECT_EQ(back[3].payload, payload(9));
}

TEST_F(journal_test, sealed_segments_go_only_once_every_barrier_has_answered) {
  auto o = options();
  o.segment_age = std::chrono::milliseconds{0};
  auto j = open(o);
  std::vector<std::function<void()>> history, desk;
  j->add_barrier([&](std::function<void()> done) { history.push_back(std::move(done)); });
  j->add_barrier([&](std::function<void()> done) { desk.push_back(std::move(done)); });
  replay(*j);
  j->sync();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(j->append(topic(i), payload(i), at(i)));
  j->seal_if_due();
  ASSERT_EQ(history.size(), 1u);
  ASSERT_EQ(desk.size(), 1u);
  j->sync();
  for (int i = 5; i < 8; ++i) ASSERT_TRUE(j->append(topic(i), payload(i), at(i)));
  ASSERT_EQ(segments().size(), 2u);

  history[0]();
  j->sync();
  EXPECT_EQ(segments().size(), 2u) << "the desk has not answered yet";
  desk[0]();
  j->sync();
  EXPECT_EQ(segments().size(), 1u);
  EXPECT_EQ(j->segment_files(), 1u);

  // What is left is the segment sealed after the barriers were asked.
  j.reset();
  auto again = open(options());
  auto back = replay(*again);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].payload, payload(5));
}

TEST_F(journal_test, replayed_segments_are_trimmed_once_the_barriers_cover_them) {
  {
    auto j = open(options());
    replay(*j);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(j->append(topic(i), payload(i), at(i)));
  }
  auto j = open(options());
  std::function<void()> held;
  j->add_barrier([&](std::function<void()> done) { held = std::move(done); });
  EXPECT_EQ(replay(*j).size(), 4u);
  ASSERT_TRUE(held);
  j->sync();
  EXPECT_EQ(segments().size(), 1u);
  held();
  j->sync();
  EXPECT_EQ(segments().size(), 0u);
  EXPECT_EQ(j->segment_files(), 1u);  // the (empty) segment being written
}

// Holding (history behind): the messages appended from hold() on come back through
// read_held(), oldest first, across seals; the segments stay, whatever the barriers say,
// until release().
TEST_F(journal_test, held_messages_are_read_back_in_order_and_their_segments_kept_until_released) {
  auto o = options();
  o.segment_bytes = 1000;
  o.segment_age = std::chrono::milliseconds{0};
  auto j = open(o);
  replay(*j);  // no barrier: a sealed segment may go at once
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(j->append(topic(i), payload(i), at(i)));
  j->hold();
  EXPECT_TRUE(j->holding());
  EXPECT_TRUE(j->caught_up());
  for (int i = 5; i < 100; ++i) {
    if (i % 10 == 0) j->sync();  // the next segment is made ahead by the journal's thread
    ASSERT_TRUE(j->append(topic(i), payload(i), at(i)));
  }
  j->seal_if_due();
  j->sync();
  const auto kept = segments().size();
  EXPECT_GT(kept, 3u) << "segments of a hold stay";
  EXPECT_FALSE(j->caught_up());

  std::vector<std::string> back;
  const auto keep = [&](const journaled_message& m) { back.push_back(m.payload); };
  EXPECT_EQ(j->read_held(40, keep), 40u);
  // Appends go on while the reader is behind them.
  ASSERT_TRUE(j->append(topic(100), payload(100), at(100)));
  while (j->read_held(7, keep) > 0) {
  }
  ASSERT_EQ(back.size(), 96u);
  for (int i = 0; i < 96; ++i) ASSERT_EQ(back[i], payload(i + 5)) << i;
  EXPECT_TRUE(j->caught_up());

  j->stop_holding();
  EXPECT_FALSE(j->holding());
  j->sync();
  EXPECT_GE(segments().size(), kept) << "kept until released";
  j->release();
  j->sync();
  EXPECT_LE(segments().size(), 1u) << "only the segment being written is left";
}

// A hold begun while an earlier one waits for its release keeps its own segments.
TEST_F(journal_test, a_release_keeps_the_segments_of_a_hold_begun_since) {
  auto o = options();
  o.segment_age = std::chrono::milliseconds{0};
  auto j = open(o);
  replay(*j);
  j->hold();
  ASSERT_TRUE(j->append(topic(0), payload(0), at(0)));
  j->sync();
  j->seal_if_due();
  std::vector<std::string> back;
  const auto keep = [&](const journaled_message& m) { back.push_back(m.payload); };
  while (j->read_held(10, keep) > 0) {
  }
  ASSERT_TRUE(j->caught_up());
  j->stop_holding();
  j->hold();  // behind again before the first hold's store answered
  ASSERT_TRUE(j->append(topic(1), payload(1), at(1)));
  j->sync();
  j->seal_if_due();
  j->release();  // the first hold's
  j->sync();
  const auto left = segments();
  ASSERT_EQ(left.size(), 1u) << "the first hold's segment goes, the second's stays";
  while (j->read_held(10, keep) > 0) {
  }
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1], payload(1));
}

// After a stop, only the segments not yet covered by the handling barriers (the desk) go
// through the pipeline again; with hold_for_history every segment left is held for history.
TEST_F(journal_test, segments_handled_before_a_stop_are_held_for_history_only) {
  auto o = options();
  o.segment_age = std::chrono::milliseconds{0};
  {
    auto j = open(o);
    std::vector<std::function<void()>> history;
    j->add_barrier([&](std::function<void()> done) { history.push_back(std::move(done)); },
                   message_journal::barrier_kind::storage);
    j->add_barrier([](std::function<void()> done) { done(); },
                   message_journal::barrier_kind::handling);
    replay(*j);
    j->sync();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(j->append(topic(i), payload(i), at(i)));
    j->seal_if_due();  // handled at once; history never answers (stalled)
    j->sync();
    for (int i = 3; i < 5; ++i) ASSERT_TRUE(j->append(topic(i), payload(i), at(i)));
    j->sync();
    EXPECT_EQ(segments().size(), 2u) << "history has not stored the first";
  }  // stopped: the second segment was never sealed, so never handled
  auto j = open(o);
  std::vector<std::string> handled_again;
  j->replay([&](const journaled_message& m) { handled_again.push_back(m.payload); },
            message_journal::replay_mode::hold_for_history);
  ASSERT_EQ(handled_again.size(), 2u) << "the first segment was handled before the stop";
  EXPECT_EQ(handled_again[0], payload(3));
  ASSERT_TRUE(j->holding());
  std::vector<std::string> for_history;
  while (j->read_held(2, [&](const journaled_message& m) { for_history.push_back(m.payload); }) >
         0) {
  }
  ASSERT_EQ(for_history.size(), 5u) << "every message left reaches history";
  for (int i = 0; i < 5; ++i) EXPECT_EQ(for_history[i], payload(i));
  EXPECT_TRUE(j->caught_up());
}

TEST_F(journal_test, a_full_disk_is_reported_and_messages_are_journaled_again_when_it_clears) {
  auto j = open(options());
  replay(*j);
  ASSERT_TRUE(j->append(topic(0), payload(0), at(0)));
  // The file may not grow past its size plus a few bytes: the next record is cut short.
  const auto file = segments().at(0);
  const auto size = fs::file_size(file);
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small{static_cast<rlim_t>(size + 10), old.rlim_max};
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const bool first = j->append(topic(1), payload(1), at(1));
  const bool second = j->append(topic(2), payload(2), at(2));
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(first);
  EXPECT_FALSE(second);
  EXPECT_EQ(metric("campus_journal_append_failures_total"), 2);
  EXPECT_EQ(fs::file_size(file), size) << "the torn record is cut back";
  ASSERT_FALSE(readiness.ready());
  EXPECT_EQ(readiness.problems().at(0).part, "journal");

  ASSERT_TRUE(j->append(topic(3), payload(3), at(3)));
  EXPECT_TRUE(readiness.ready());
  j.reset();
  auto again = open(options());
  auto back = replay(*again);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].payload, payload(3));
  EXPECT_EQ(metric("campus_journal_damaged_bytes_total"), 0);
}

TEST_F(journal_test, over_its_limit_the_journal_refuses_and_says_so) {
  auto o = options();
  o.max_bytes = 300;
  auto j = open(o);
  replay(*j);
  int accepted = 0;
  for (int i = 0; i < 20; ++i) accepted += j->append(topic(i), payload(i), at(i)) ? 1 : 0;
  EXPECT_GT(accepted, 0);
  EXPECT_LT(accepted, 20);
  EXPECT_FALSE(readiness.ready());
  EXPECT_EQ(metric("campus_journal_append_failures_total"), 20 - accepted);
}

}  // namespace
}  // namespace campus::journal
