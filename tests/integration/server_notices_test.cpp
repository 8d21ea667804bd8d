// Bureau notices through the real campus-shield process: the sample district (three schools,
// its duty roster and the log SMS gateway), a real Mosquitto, WebSocket clients of the bureau
// and of school users, and the HTTP API (docs/bureau.md "Notices").
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "campus_server.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"
#include "ws_client.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* typhoon_title = "台风橙色预警：明日停课";

std::filesystem::path write_config(const temp_dir& dir) {
  std::ifstream in(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string dashboards = "dashboards: ../dashboards";
  const auto at = yaml.find(dashboards);
  if (at == std::string::npos) throw std::runtime_error("sample config has no dashboards key");
  yaml.replace(at, dashboards.size(),
               "dashboards: " + std::string(CAMPUS_SOURCE_DIR) + "/dashboards");
  auto path = dir.path() / "district.yaml";
  std::ofstream(path) << yaml;
  return path;
}

class notices : public testing::Test {
 protected:
  void SetUp() override {
    config_ = write_config(dir_);
    start();
  }

  void start() {
    // The bureau, a duty leader of each of the three schools.
    server_ = std::make_unique<campus_server>(
        config_, broker_.port(), dir_.path(),
        std::vector<test_user>{campus_server::admin(),
                               {"liming", "bureau", {}, "李明"},
                               {"wangfang", "duty_leader", {"xh-primary"}, "王芳"},
                               {"zhaomin", "duty_leader", {"bh-middle"}, "赵敏"},
                               {"sunli", "duty_leader", {"qs-nine-year"}, "孙丽"}});
    ASSERT_TRUE(server_->wait_until_connected()) << "campus-shield did not come up";
  }
  void restart() {
    ASSERT_EQ(server_->stop(30s), 0);
    server_.reset();
    start();
  }

  json::value get(const std::string& target, const std::string& user, int expect) {
    auto r = server_->get(target, user);
    EXPECT_TRUE(r.has_value());
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << target << " as " << user << ": " << r->body;
    return json::parse(r->body);
  }
  json::value post(const std::string& target, const std::string& body, const std::string& user,
                   int expect) {
    auto r = server_->post(target, body, user);
    EXPECT_TRUE(r.has_value());
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << target << " " << body << " as " << user << ": " << r->body;
    return json::parse(r->body);
  }

  // The phones of the duty leaders on shift at `site` now, as GET /api/roster shows them.
  std::vector<std::string> duty_leader_phones(const std::string& site) {
    std::vector<std::string> phones;
    const auto roster = get("/api/roster?site=" + site, "admin", 200);
    for (const auto& a : roster.at("on_duty").as_array()) {
      if (a.at("role") == "duty_leader") phones.emplace_back(a.at("person").at("phone").as_string());
    }
    return phones;
  }
  static std::string mask(const std::string& phone) {  // as the roster API shows it
    std::string out = phone;
    for (std::size_t i = phone.size() - 8; i < phone.size() - 4; ++i) out[i] = '*';
    return out;
  }
  // SMS log lines: "<time>\t<id>\t<to>\t<text>", the phone masked as the roster shows it.
  std::vector<std::pair<std::string, std::string>> texted() {
    std::ifstream in(server_->data_dir() / "sms.log");
    std::vector<std::pair<std::string, std::string>> out;
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      std::string at, id, to, text;
      std::getline(fields, at, '\t');
      std::getline(fields, id, '\t');
      std::getline(fields, to, '\t');
      std::getline(fields, text);
      out.emplace_back(mask(to), text);
    }
    return out;
  }
  bool texted_with_title(const std::string& phone, const std::string& title) {
    const auto lines = texted();
    return std::any_of(lines.begin(), lines.end(), [&](const auto& l) {
      return l.first == phone && l.second.find("【区教育局通知】" + title) != std::string::npos;
    });
  }

  static bool lists(const json::value& answer, std::int64_t id) {
    const auto& list = answer.at("notices").as_array();
    return std::any_of(list.begin(), list.end(),
                       [&](const json::value& n) { return n.at("id").to_number<std::int64_t>() == id; });
  }
  static const json::object* receipt(const json::value& notice, const std::string& site) {
    for (const auto& r : notice.at("receipts").as_array()) {
      if (r.at("site").as_string() == site) return &r.as_object();
    }
    return nullptr;
  }

  temp_dir dir_;
  mosquitto_broker broker_;
  std::filesystem::path config_;
  std::unique_ptr<campus_server> server_;
};

std::string notice_body(const std::string& title, const std::string& sites) {
  return R"({"title":")" + title +
         R"(","body":"请各校今晚18时前完成校舍巡查，加固门窗，检查排水。","kind":"weather",)"
         R"("severity":"orange","sites":)" +
         sites + R"(,"sms":true})";
}

TEST_F(notices, a_notice_reaches_the_chosen_schools_only_and_the_bureau_sees_who_read_it) {
  ws_client bureau, xh, qs;
  ASSERT_TRUE(server_->connect(bureau, "liming"));
  ASSERT_TRUE(server_->connect(xh, "wangfang"));
  ASSERT_TRUE(server_->connect(qs, "sunli"));
  for (auto* ws : {&bureau, &xh, &qs}) ASSERT_TRUE(ws->next(5s));  // the snapshots

  // To two of the three schools.
  const auto made = post("/api/notices", notice_body(typhoon_title, R"(["xh-primary","bh-middle"])"),
                         "liming", 201);
  const auto& notice = made.at("notice");
  const auto id = notice.at("id").to_number<std::int64_t>();
  EXPECT_EQ(notice.at("display_id"), json::string(fmt::format("N-{:06}", id)));
  EXPECT_EQ(notice.at("author"), "李明");
  EXPECT_EQ(notice.at("kind"), "weather");
  EXPECT_EQ(notice.at("severity"), "orange");
  EXPECT_EQ(notice.at("sites"), (json::array{"xh-primary", "bh-middle"}));
  ASSERT_TRUE(receipt(notice, "xh-primary"));
  EXPECT_EQ(receipt(notice, "xh-primary")->at("read"), false);
  EXPECT_EQ(server_->metric("campus_notices_total"), 1);

  // The targeted school's duty leader gets it live, without receipts, and in the unread list.
  auto live = xh.wait_for([](const json::value& m) { return m.at("type") == "notice"; }, 10s);
  ASSERT_TRUE(live) << server_->process().log_tail();
  EXPECT_EQ(live->at("notice").at("id").to_number<std::int64_t>(), id);
  EXPECT_EQ(live->at("notice").at("title"), typhoon_title);
  EXPECT_EQ(live->at("notice").at("read_by_me"), false);
  EXPECT_FALSE(live->at("notice").as_object().contains("receipts"));
  EXPECT_TRUE(lists(get("/api/notices?unread=1", "wangfang", 200), id));
  auto bureau_live = bureau.wait_for([](const json::value& m) { return m.at("type") == "notice"; }, 10s);
  ASSERT_TRUE(bureau_live);
  EXPECT_TRUE(bureau_live->at("notice").as_object().contains("receipts"));

  // The third school sees nothing of it: not by GET, not by id (as if it did not exist).
  EXPECT_FALSE(lists(get("/api/notices", "sunli", 200), id));
  EXPECT_EQ(get("/api/notices/" + std::to_string(id), "sunli", 404).at("code"), "not_found");
  EXPECT_EQ(get(fmt::format("/api/notices/N-{:06}", id), "wangfang", 200).at("notice").at("id"),
            notice.at("id"));

  // Each targeted school's duty leader on shift is texted, with the title.
  for (const std::string site : {"xh-primary", "bh-middle"}) {
    const auto phones = duty_leader_phones(site);
    ASSERT_FALSE(phones.empty()) << site;
    for (const auto& phone : phones) {
      EXPECT_TRUE(wait_until([&] { return texted_with_title(phone, typhoon_title); }, 10s))
          << "no notice SMS to " << phone << " of " << site;
    }
  }
  for (const auto& phone : duty_leader_phones("qs-nine-year")) {
    EXPECT_FALSE(texted_with_title(phone, typhoon_title));
  }

  // 星火小学's duty leader reads it (twice: idempotent).
  auto read = post("/api/notices/" + std::to_string(id) + "/read", "{}", "wangfang", 200);
  EXPECT_EQ(read.at("notice").at("read_by_me"), true);
  post(fmt::format("/api/notices/N-{:06}/read", id), "{}", "wangfang", 200);
  EXPECT_FALSE(lists(get("/api/notices?unread=1", "wangfang", 200), id));
  auto receipt_live =
      bureau.wait_for([](const json::value& m) { return m.at("type") == "notice_read"; }, 10s);
  ASSERT_TRUE(receipt_live);
  EXPECT_EQ(receipt_live->at("notice_id").to_number<std::int64_t>(), id);
  EXPECT_EQ(receipt_live->at("site"), "xh-primary");
  EXPECT_EQ(receipt_live->at("user"), "wangfang");
  EXPECT_EQ(receipt_live->at("name"), "王芳");

  // The bureau's view: 星火小学 read by 王芳 at a time, 滨湖中学 not; the SMS outcomes kept.
  ASSERT_TRUE(wait_until([&] {
    const auto seen = get("/api/notices/" + std::to_string(id), "liming", 200).at("notice");
    return receipt(seen, "xh-primary") && !receipt(seen, "xh-primary")->at("sms").as_array().empty() &&
           !receipt(seen, "bh-middle")->at("sms").as_array().empty();
  }, 10s));
  const auto seen = get("/api/notices", "liming", 200).at("notices").at(0);
  EXPECT_EQ(seen.at("id").to_number<std::int64_t>(), id);
  const auto* xh_receipt = receipt(seen, "xh-primary");
  const auto* bh_receipt = receipt(seen, "bh-middle");
  ASSERT_TRUE(xh_receipt && bh_receipt);
  EXPECT_EQ(xh_receipt->at("read"), true);
  ASSERT_EQ(xh_receipt->at("readers").as_array().size(), 1u);
  EXPECT_EQ(xh_receipt->at("readers").at(0).at("name"), "王芳");
  EXPECT_EQ(xh_receipt->at("readers").at(0).at("user"), "wangfang");
  EXPECT_GT(xh_receipt->at("readers").at(0).at("at").to_number<std::int64_t>(),
            seen.at("created_at").to_number<std::int64_t>() - 1);
  EXPECT_EQ(xh_receipt->at("sms").at(0).at("outcome"), "sent");
  EXPECT_EQ(bh_receipt->at("read"), false);
  EXPECT_TRUE(bh_receipt->at("readers").as_array().empty());
  EXPECT_GE(server_->metric("campus_notice_sms_total{status=\"sent\"}"), 2);

  // The bureau's reading is no school's receipt.
  EXPECT_EQ(post("/api/notices/" + std::to_string(id) + "/read", "{}", "liming", 403).at("code"),
            "not_a_recipient");
  // Nor can the third school mark it read.
  post("/api/notices/" + std::to_string(id) + "/read", "{}", "sunli", 404);

  // A second notice, to the third school: the first message of type "notice" its duty leader
  // receives is this one, so the first never reached them.
  const auto second = post("/api/notices", notice_body("防汛检查", R"(["qs-nine-year"])"), "liming", 201);
  auto qs_live = qs.wait_for([](const json::value& m) { return m.at("type") == "notice"; }, 10s);
  ASSERT_TRUE(qs_live);
  EXPECT_EQ(qs_live->at("notice").at("id"), second.at("notice").at("id"));
}

TEST_F(notices, only_the_bureau_sends_and_bad_bodies_are_refused) {
  EXPECT_EQ(post("/api/notices", notice_body("x", R"(["xh-primary"])"), "wangfang", 403).at("code"),
            "forbidden");
  const std::pair<std::string, std::string> bad[] = {
      {"not json", "bad_json"},
      {"[1,2]", "bad_json"},
      {R"({"body":"b","kind":"weather","sites":["xh-primary"]})", "bad_title"},
      {R"({"title":"   ","kind":"weather","sites":["xh-primary"]})", "bad_title"},
      {R"({"title":")" + std::string(101, 'x') + R"(","kind":"weather","sites":["xh-primary"]})",
       "bad_title"},
      {R"({"title":"t","body":")" + std::string(2001, 'x') + R"(","kind":"weather","sites":["*"]})",
       "bad_body"},
      {R"({"title":"t","kind":"party","sites":["xh-primary"]})", "bad_kind"},
      {R"({"title":"t","kind":"other","severity":"purple","sites":["xh-primary"]})", "bad_severity"},
      {R"({"title":"t","kind":"other","sites":[]})", "bad_sites"},
      {R"({"title":"t","kind":"other","sites":["*","xh-primary"]})", "bad_sites"},
      {R"({"title":"t","kind":"other","sites":["no-such-school"]})", "unknown_site"},
      {R"({"title":"t","kind":"other","sites":["xh-primary"],"sms":"yes"})", "bad_sms"},
      {R"({"title":"t","kind":"other","sites":["xh-primary"],"site":"x"})", "unknown_field"},
  };
  for (const auto& [body, code] : bad) {
    EXPECT_EQ(std::string(post("/api/notices", body, "liming", 400).at("code").as_string()), code)
        << body;
  }
  EXPECT_TRUE(get("/api/notices", "liming", 200).at("notices").as_array().empty());
  // A hundred Chinese characters is a hundred, not three hundred bytes' worth.
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "雪";
  post("/api/notices", notice_body(hundred, R"(["*"])"), "liming", 201);
  EXPECT_GE(server_->metric("campus_notice_requests_refused_total{code=\"unknown_site\"}"), 1);
}

TEST_F(notices, a_restart_keeps_notices_and_receipts) {
  const auto made = post("/api/notices", notice_body(typhoon_title, R"(["*"])"), "liming", 201);
  const auto id = made.at("notice").at("id").to_number<std::int64_t>();
  EXPECT_EQ(made.at("notice").at("sites").as_array().size(), 3u);  // "*": every school
  post("/api/notices/" + std::to_string(id) + "/read", "{}", "wangfang", 200);

  restart();
  const auto seen = get("/api/notices/" + std::to_string(id), "liming", 200).at("notice");
  EXPECT_EQ(seen.at("title"), typhoon_title);
  ASSERT_TRUE(receipt(seen, "xh-primary"));
  EXPECT_EQ(receipt(seen, "xh-primary")->at("read"), true);
  EXPECT_EQ(receipt(seen, "xh-primary")->at("readers").at(0).at("name"), "王芳");
  EXPECT_EQ(receipt(seen, "bh-middle")->at("read"), false);
  EXPECT_FALSE(lists(get("/api/notices?unread=1", "wangfang", 200), id));
  EXPECT_TRUE(lists(get("/api/notices?unread=1", "zhaomin", 200), id));
  // New notices go on after the old ids.
  const auto next = post("/api/notices", notice_body("复课通知", R"(["bh-middle"])"), "liming", 201);
  EXPECT_EQ(next.at("notice").at("id").to_number<std::int64_t>(), id + 1);
}

}  // namespace
}  // namespace campus::test
