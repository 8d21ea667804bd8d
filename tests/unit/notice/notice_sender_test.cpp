// The notice's text messages with their real parts: a roster read from a small district, the
// log SMS gateway writing to a file, the SMS outbox on its strand and the board on a temporary
// file. The test thread runs the io_context until the outcomes are recorded (no sleeping).
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>

#include "config/loader.hpp"
#include "incident/sms_outbox.hpp"
#include "notice/notice_board.hpp"
#include "notice/notice_sender.hpp"
#include "notify/duty/duty_config.hpp"
#include "notify/sms/log_sms_gateway.hpp"

namespace campus::notice {
namespace {

using namespace std::chrono_literals;
namespace duty = notify::duty;

constexpr const char* district_yaml = R"(district: {id: d, name: 示范区}
sites:
  - id: xh
    name: 星火小学
    zones:
      - {id: gate, type: gate, name: 校门}
  - id: bh
    name: 滨湖中学
    zones:
      - {id: gate, type: gate, name: 校门}
  - id: qs
    name: 青山九年制学校
    zones:
      - {id: gate, type: gate, name: 校门}
duty:
  people:
    - {id: wang, name: 王芳, phone: "+8613800000002", roles: [duty_leader], sites: [xh]}
    - {id: zhao, name: 赵敏, phone: "+8613800000007", roles: [duty_leader], sites: [bh]}
    - {id: sun, name: 孙丽, phone: "+8613800000012", roles: [duty_leader], sites: [qs]}
  shifts:
    - {site: xh, role: duty_leader, person: wang, days: [1,2,3,4,5,6,7], from: "00:00", to: "24:00"}
    - {site: qs, role: duty_leader, person: sun, days: [1,2,3,4,5,6,7], from: "00:00", to: "24:00"}
)";

// Counts outcomes as the board records them (on its worker thread).
struct outcome_counter : notice_listener {
  std::atomic<int> recorded{0};
  void on_notice(const notice&) override {}
  void on_notice_read(const notice&, const std::vector<notice_reader>&) override {}
  void on_notice_sms(const notice&, const notice_sms&) override { ++recorded; }
};

class notice_sender_test : public ::testing::Test {
 protected:
  notice_sender_test() {
    std::string pattern = (std::filesystem::temp_directory_path() / "campus-nsms-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    dir_ = pattern;
    auto d = config::load_string(district_yaml);
    if (!d) std::abort();  // the fixture itself is wrong
    auto settings = duty::load_duty_string(district_yaml, *d);
    if (!settings) std::abort();
    roster_ = std::make_unique<duty::roster>(settings->plan);
    clock_.set(core::from_epoch_ms(1790000000000));
  }
  ~notice_sender_test() override {
    gateway_.reset();
    if (board_) board_->stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void open(notify::sms::sms_language language) {
    auto gateway = notify::sms::log_sms_gateway::open((dir_ / "sms.log").string());
    ASSERT_TRUE(gateway.has_value()) << gateway.error();
    gateway_ = std::move(*gateway);
    outbox_ = std::make_unique<incident::sms_outbox>(
        strand_, *gateway_, notify::sms::sms_template_options{}, language,
        notify::sms::rate_limit_policy{}, clock_, metrics_);
    auto board = notice_board::open((dir_ / "notices.db").string(), clock_, metrics_);
    ASSERT_TRUE(board.has_value()) << board.error().message;
    board_ = std::move(*board);
    sender_ = std::make_unique<notice_sender>(*board_, roster_.get(), outbox_.get(), strand_,
                                              language, clock_, metrics_);
    board_->add_listener(sender_.get());
    board_->add_listener(&counter_);
  }

  bool run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 3000 && !done(); ++i) io_.run_one_for(10ms);
    return done();
  }

  notice send(std::vector<std::string> sites) {
    notice_draft d;
    d.author = "liming";
    d.author_name = "李明";
    d.kind = notice_kind::weather;
    d.title = "台风橙色预警";
    d.body = "今晚起停止户外活动。";
    d.sites = std::move(sites);
    std::promise<notice_result<notice>> made;
    board_->create(d, [&](notice_result<notice> r) { made.set_value(std::move(r)); });
    auto n = made.get_future().get();
    EXPECT_TRUE(n.has_value());
    return n ? *n : notice{};
  }

  notice get(std::int64_t id) {
    std::promise<notice_result<notice>> found;
    board_->get(id, [&](notice_result<notice> r) { found.set_value(std::move(r)); });
    auto n = found.get_future().get();
    EXPECT_TRUE(n.has_value());
    return n ? *n : notice{};
  }

  std::vector<std::string> sms_lines() {
    std::ifstream in(dir_ / "sms.log");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::filesystem::path dir_;
  core::manual_clock clock_;
  core::metrics metrics_;
  std::unique_ptr<duty::roster> roster_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  boost::asio::strand<boost::asio::io_context::executor_type> strand_ =
      boost::asio::make_strand(io_);
  outcome_counter counter_;
  std::unique_ptr<notify::sms::log_sms_gateway> gateway_;
  std::unique_ptr<incident::sms_outbox> outbox_;
  std::unique_ptr<notice_board> board_;
  std::unique_ptr<notice_sender> sender_;
};

TEST_F(notice_sender_test, the_duty_leader_of_each_chosen_school_is_texted_and_outcomes_kept) {
  open(notify::sms::sms_language::zh);
  const auto n = send({"xh", "bh"});
  ASSERT_TRUE(run_until([&] { return counter_.recorded.load() >= 2; }));

  const auto lines = sms_lines();
  ASSERT_EQ(lines.size(), 1u);  // xh only: bh has nobody on duty, qs was not chosen
  EXPECT_NE(lines[0].find("+8613800000002"), std::string::npos);
  EXPECT_NE(lines[0].find("【区教育局通知】台风橙色预警：今晚起停止户外活动。"), std::string::npos);

  const auto kept = get(n.id);
  ASSERT_EQ(kept.sms_outcomes.size(), 2u);
  const notice_sms* xh = nullptr;
  const notice_sms* bh = nullptr;
  for (const auto& o : kept.sms_outcomes) (o.site == "xh" ? xh : bh) = &o;
  ASSERT_TRUE(xh && bh);
  EXPECT_EQ(xh->outcome, "sent");
  EXPECT_EQ(xh->person, "wang");
  EXPECT_EQ(xh->name, "王芳");
  EXPECT_EQ(bh->outcome, "nobody_on_duty");
  EXPECT_EQ(metrics_.get("campus_notice_sms_total", "status=\"sent\"").value(), 1);
  EXPECT_EQ(metrics_.get("campus_notice_sms_total", "status=\"nobody_on_duty\"").value(), 1);
  // The alert SMS counters count it too: one gateway, one path.
  EXPECT_EQ(metrics_.get("campus_sms_total", "gateway=\"log\",status=\"sent\"").value(), 1);
}

TEST_F(notice_sender_test, english_text_and_no_message_when_sms_is_off) {
  open(notify::sms::sms_language::en);
  notice_draft quiet;
  quiet.author = "liming";
  quiet.title = "Inspection";
  quiet.sites = {"qs"};
  quiet.sms = false;
  std::promise<void> made;
  board_->create(quiet, [&](notice_result<notice>) { made.set_value(); });
  made.get_future().get();

  notice_draft d;
  d.author = "liming";
  d.title = "Snow warning";
  d.body = "Schools close at noon.";
  d.sites = {"qs"};
  std::promise<void> sent;
  board_->create(d, [&](notice_result<notice>) { sent.set_value(); });
  sent.get_future().get();
  ASSERT_TRUE(run_until([&] { return counter_.recorded.load() >= 1; }));
  const auto lines = sms_lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("[District Education Bureau notice] Snow warning: Schools close at "
                          "noon. Please log in to CampusShield"),
            std::string::npos)
      << lines[0];
  EXPECT_TRUE(get(1).sms_outcomes.empty());
}

}  // namespace
}  // namespace campus::notice
