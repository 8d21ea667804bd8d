// The notice board on a temporary SQLite file: what it stores, who read what, idempotent
// receipts, SMS outcomes, that callbacks come after the commit, and that a reopened file keeps
// everything. Each asynchronous call is waited for through a promise (no sleeping).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>

#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "notice/notice_board.hpp"

namespace campus::notice {
namespace {

using namespace std::chrono_literals;

template <class T, class Start>
notice_result<T> wait_for(Start&& start) {
  std::promise<notice_result<T>> answer;
  auto result = answer.get_future();
  start([&answer](notice_result<T> r) { answer.set_value(std::move(r)); });
  return result.get();
}

// Counts rows with a separate connection, as another process would see them.
std::int64_t count_rows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::int64_t n = -1;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      n = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return n;
}

struct recording_listener : notice_listener {
  std::vector<std::int64_t> created;
  std::vector<notice_reader> reads;
  std::vector<notice_sms> outcomes;
  void on_notice(const notice& n) override { created.push_back(n.id); }
  void on_notice_read(const notice&, const std::vector<notice_reader>& fresh) override {
    reads.insert(reads.end(), fresh.begin(), fresh.end());
  }
  void on_notice_sms(const notice&, const notice_sms& o) override { outcomes.push_back(o); }
};

class notice_board_test : public ::testing::Test {
 protected:
  notice_board_test() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "campus-notices-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    dir_ = pattern;
    path_ = (dir_ / "notices.db").string();
    clock_.set(core::from_epoch_ms(1790000000000));
    reopen();
  }
  ~notice_board_test() override {
    board_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void reopen() {
    board_.reset();
    listener_ = recording_listener{};
    auto opened = notice_board::open(path_, clock_, metrics_);
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    board_ = std::move(*opened);
    board_->add_listener(&listener_);
  }

  static notice_draft typhoon(std::vector<std::string> sites) {
    notice_draft d;
    d.author = "liming";
    d.author_name = "李明";
    d.kind = notice_kind::weather;
    d.severity = core::severity::orange;
    d.title = "台风橙色预警";
    d.body = "今晚起停止户外活动。";
    d.sites = std::move(sites);
    return d;
  }

  notice_result<notice> create(notice_draft d) {
    return wait_for<notice>([&](auto done) { board_->create(std::move(d), done); });
  }
  notice_result<notice_read_change> read(std::int64_t id, std::string user, std::string name,
                                         std::vector<std::string> sites) {
    return wait_for<notice_read_change>([&](auto done) {
      board_->mark_read(id, {std::move(user), std::move(name), std::move(sites)}, done);
    });
  }
  notice_result<notice> get(std::int64_t id) {
    return wait_for<notice>([&](auto done) { board_->get(id, done); });
  }
  std::vector<notice> list(notice_filter f) {
    auto r = wait_for<std::vector<notice>>([&](auto done) { board_->list(std::move(f), done); });
    EXPECT_TRUE(r.has_value());
    return r ? *r : std::vector<notice>{};
  }

  std::filesystem::path dir_;
  std::string path_;
  core::manual_clock clock_;
  core::metrics metrics_;
  recording_listener listener_;
  std::unique_ptr<notice_board> board_;
};

TEST_F(notice_board_test, a_notice_is_stored_with_its_targets_and_committed_before_the_answer) {
  std::promise<std::pair<std::int64_t, std::int64_t>> seen;
  board_->create(typhoon({"xh", "bh"}), [&](notice_result<notice> r) {
    if (!r) return seen.set_value({-2, -2});
    seen.set_value({r->id, count_rows(path_, "SELECT COUNT(*) FROM notices WHERE id = " +
                                                 std::to_string(r->id))});
  });
  const auto [id, rows] = seen.get_future().get();
  EXPECT_EQ(id, 1);
  EXPECT_EQ(rows, 1);  // on disk when the callback ran
  EXPECT_EQ(listener_.created, std::vector<std::int64_t>{1});

  auto n = get(1);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->title, "台风橙色预警");
  EXPECT_EQ(n->author_name, "李明");
  EXPECT_EQ(n->kind, notice_kind::weather);
  EXPECT_EQ(n->severity, core::severity::orange);
  EXPECT_EQ(n->created_at, clock_.now());
  EXPECT_EQ(n->sites, (std::vector<std::string>{"xh", "bh"}));
  EXPECT_TRUE(n->targets("bh"));
  EXPECT_FALSE(n->targets("qs"));
  EXPECT_EQ(metrics_.get("campus_notices_total").value(), 1);
  EXPECT_EQ(display_id(n->id), "N-000001");
}

TEST_F(notice_board_test, lists_are_newest_first_and_scoped_to_the_schools_asked) {
  ASSERT_TRUE(create(typhoon({"xh", "bh"})));
  clock_.advance(1min);
  ASSERT_TRUE(create(typhoon({"qs"})));
  clock_.advance(1min);
  ASSERT_TRUE(create(typhoon({"bh"})));

  notice_filter district;
  district.all_sites = true;
  auto all = list(district);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, 3);
  EXPECT_EQ(all[2].id, 1);

  notice_filter xh;
  xh.sites = {"xh"};
  xh.user = "wangfang";
  auto mine = list(xh);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, 1);

  notice_filter bh;
  bh.sites = {"bh"};
  bh.limit = 1;
  ASSERT_EQ(list(bh).size(), 1u);
}

TEST_F(notice_board_test, read_receipts_are_per_school_and_user_and_idempotent) {
  ASSERT_TRUE(create(typhoon({"xh", "bh"})));
  clock_.advance(5min);
  const auto read_at = clock_.now();
  auto first = read(1, "wangfang", "王芳", {"xh"});
  ASSERT_TRUE(first.has_value()) << first.error().message;
  ASSERT_EQ(first->fresh.size(), 1u);
  EXPECT_EQ(first->fresh[0].site, "xh");
  EXPECT_TRUE(first->after.read_at("xh"));
  EXPECT_FALSE(first->after.read_at("bh"));
  EXPECT_TRUE(first->after.read_by("wangfang"));
  EXPECT_FALSE(first->after.read_everywhere());

  // Again, later: nothing new, the first time kept.
  clock_.advance(1h);
  auto again = read(1, "wangfang", "王芳", {"xh"});
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->fresh.empty());
  ASSERT_EQ(again->after.readers.size(), 1u);
  EXPECT_EQ(again->after.readers[0].at, read_at);
  EXPECT_EQ(listener_.reads.size(), 1u);
  EXPECT_EQ(count_rows(path_, "SELECT COUNT(*) FROM reads"), 1);

  // A user of both targeted schools reads once for both.
  auto both = read(1, "zhao", "赵敏", {"bh", "xh", "qs"});
  ASSERT_TRUE(both.has_value());
  EXPECT_EQ(both->fresh.size(), 2u);
  EXPECT_TRUE(both->after.read_everywhere());

  // Unread lists: per user for a school, per school for the district.
  notice_filter unread_xh;
  unread_xh.sites = {"xh"};
  unread_xh.user = "liuyang";
  unread_xh.unread_only = true;
  EXPECT_EQ(list(unread_xh).size(), 1u);
  unread_xh.user = "wangfang";
  EXPECT_TRUE(list(unread_xh).empty());
  notice_filter unread_district;
  unread_district.all_sites = true;
  unread_district.unread_only = true;
  EXPECT_TRUE(list(unread_district).empty());
}

TEST_F(notice_board_test, a_user_of_another_school_or_an_unknown_notice_is_refused) {
  ASSERT_TRUE(create(typhoon({"xh"})));
  auto other = read(1, "sunli", "孙丽", {"qs"});
  ASSERT_FALSE(other.has_value());
  EXPECT_EQ(other.error().what, notice_error::code::not_targeted);
  auto missing = read(7, "wangfang", "王芳", {"xh"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().what, notice_error::code::not_found);
  EXPECT_FALSE(get(7).has_value());
  EXPECT_TRUE(listener_.reads.empty());
  EXPECT_EQ(metrics_.get("campus_notice_refused_total", "reason=\"not_targeted\"").value(), 1);
}

TEST_F(notice_board_test, sms_outcomes_are_recorded_on_the_notice) {
  ASSERT_TRUE(create(typhoon({"xh", "bh"})));
  auto sent = wait_for<notice>([&](auto done) {
    board_->record_sms(1, {"xh", "xh-leader-day", "张伟", "sent", "", {}}, done);
  });
  ASSERT_TRUE(sent.has_value());
  ASSERT_EQ(sent->sms_outcomes.size(), 1u);
  EXPECT_EQ(sent->sms_outcomes[0].at, clock_.now());  // stamped by the board
  auto none = wait_for<notice>([&](auto done) {
    board_->record_sms(1, {"bh", "", "", "nobody_on_duty", "nobody is on duty", {}}, done);
  });
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->sms_outcomes.size(), 2u);
  EXPECT_EQ(listener_.outcomes.size(), 2u);
  auto unknown = wait_for<notice>([&](auto done) {
    board_->record_sms(9, {"xh", "p", "n", "sent", "", {}}, done);
  });
  EXPECT_FALSE(unknown.has_value());
}

TEST_F(notice_board_test, reopening_the_file_keeps_notices_receipts_and_outcomes) {
  auto d = typhoon({"xh", "bh"});
  d.severity.reset();
  d.kind = notice_kind::inspection;
  d.sms = false;
  d.body = "第一行\n第二行";
  ASSERT_TRUE(create(d));
  ASSERT_TRUE(create(typhoon({"qs"})));
  clock_.advance(3min);
  ASSERT_TRUE(read(1, "wangfang", "王芳", {"xh"}));
  ASSERT_TRUE(wait_for<notice>([&](auto done) {
    board_->record_sms(2, {"qs", "qs-leader-day", "徐涛", "failed", "provider said no", {}}, done);
  }));

  reopen();
  auto first = get(1);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, notice_kind::inspection);
  EXPECT_FALSE(first->severity.has_value());
  EXPECT_FALSE(first->sms);
  EXPECT_EQ(first->body, "第一行\n第二行");
  EXPECT_EQ(first->sites, (std::vector<std::string>{"xh", "bh"}));
  ASSERT_EQ(first->readers.size(), 1u);
  EXPECT_EQ(first->readers[0].user, "wangfang");
  EXPECT_EQ(first->readers[0].name, "王芳");
  EXPECT_EQ(first->readers[0].at, clock_.now());
  auto second = get(2);
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(second->sms_outcomes.size(), 1u);
  EXPECT_EQ(second->sms_outcomes[0].outcome, "failed");
  EXPECT_EQ(second->sms_outcomes[0].detail, "provider said no");
  EXPECT_EQ(second->sms_outcomes[0].name, "徐涛");

  // Ids go on from where they were; a receipt already kept stays single.
  auto third = create(typhoon({"xh"}));
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->id, 3);
  auto again = read(1, "wangfang", "王芳", {"xh"});
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->fresh.empty());
}

TEST_F(notice_board_test, after_stop_requests_are_answered_stopped) {
  board_->stop();
  auto r = create(typhoon({"xh"}));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().what, notice_error::code::stopped);
}

TEST(notice_ids, display_and_parse) {
  EXPECT_EQ(display_id(3), "N-000003");
  EXPECT_EQ(parse_notice_id("N-000003"), 3);
  EXPECT_EQ(parse_notice_id("n-3"), 3);
  EXPECT_EQ(parse_notice_id("3"), 3);
  EXPECT_FALSE(parse_notice_id("0"));
  EXPECT_FALSE(parse_notice_id("N-"));
  EXPECT_FALSE(parse_notice_id("A-000003"));
  EXPECT_FALSE(parse_notice_id("3x"));
  EXPECT_FALSE(parse_notice_id("-3"));
}

}  // namespace
}  // namespace campus::notice
