// Alert handling through the real campus-shield process: a real Mosquitto, the sample district
// (its duty roster, escalation policy and the log SMS gateway), a WebSocket client and the
// HTTP API. The red escalation's second step is shortened from 5 minutes to 2 seconds in the
// test's copy of the configuration so that "nobody acknowledged" can happen in real time, and
// the gas rule's clear_after from 30 to 2 seconds.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>

#include "campus_server.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/sample_district.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"
#include "ws_client.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* gas_topic = "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry";

std::filesystem::path write_config(const temp_dir& dir) {
  return write_sample_district(
      dir, {{"- {after: 5m, roles: [principal], channels: [sms]}",
             "- {after: 2s, roles: [principal], channels: [sms]}"},
            // The gas rule is the first to set clear_after.
            {"clear_after: 30s", "clear_after: 2s"}});
}

class alert_handling : public testing::Test {
 protected:
  void SetUp() override { config_ = write_config(dir_); start(); }

  void start() {
    // A duty leader and a safety director of the school, and the bureau.
    server_ = std::make_unique<campus_server>(
        config_, broker_.port(), dir_.path(),
        std::vector<test_user>{campus_server::admin(),
                               {"wangfang", "duty_leader", {"xh-primary"}, "王芳"},
                               {"liuyang", "safety_director", {"xh-primary"}, "刘洋"},
                               {"liming", "bureau", {}, "李明"}});
    http_port_ = server_->port();
    ASSERT_TRUE(server_->wait_until_connected()) << "campus-shield did not come up";
  }
  void stop() {
    ASSERT_EQ(server_->stop(30s), 0);
    server_.reset();
  }

  double metric(const std::string& series) { return server_->metric(series); }

  std::vector<std::string> sms_lines() {
    std::ifstream in(server_->data_dir() / "sms.log");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  // The masked phone of whoever holds `role` at the school now (GET /api/roster).
  std::vector<std::string> on_duty_phones(const std::string& role) {
    std::vector<std::string> phones;
    auto r = server_->get("/api/roster?site=xh-primary");
    if (!r || r->status != 200) return phones;
    const json::value roster = json::parse(r->body);  // outlives the loop
    for (const auto& a : roster.at("on_duty").as_array()) {
      if (a.at("role").as_string() == role)
        phones.emplace_back(a.at("person").at("phone").as_string());
    }
    return phones;
  }

  static std::string mask(const std::string& phone) {  // as the roster API shows it
    std::string out = phone;
    for (std::size_t i = phone.size() - 8; i < phone.size() - 4; ++i) out[i] = '*';
    return out;
  }

  // Phones in the SMS log, masked.
  std::vector<std::string> texted() {
    auto phones = phones_in_sms_log(server_->data_dir() / "sms.log");
    for (auto& p : phones) p = mask(p);
    return phones;
  }

  json::object post(const std::string& target, const std::string& body, int expect,
                    const std::string& user = "admin") {
    auto r = server_->post(target, body, user);
    EXPECT_TRUE(r.has_value());
    if (!r) return {};
    EXPECT_EQ(r->status, expect) << target << " " << r->body;
    return json::parse(r->body).as_object();
  }

  temp_dir dir_;
  mosquitto_broker broker_;
  std::filesystem::path config_;
  int http_port_ = 0;
  std::unique_ptr<campus_server> server_;
};

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

TEST_F(alert_handling, a_gas_leak_texts_the_duty_leader_on_shift_and_escalates_when_nobody_acks) {
  ws_client ws;
  ASSERT_TRUE(server_->connect(ws));
  ASSERT_TRUE(ws.next(5s));  // the snapshot
  test_publisher pub(broker_.port());
  pub.publish(gas_topic, R"({"lel_pct":40})");

  auto raised = ws.wait_for(
      [](const json::value& m) {
        return m.at("type") == "alert" && m.at("event") == "raised";
      },
      10s);
  ASSERT_TRUE(raised) << server_->process().log_tail();
  const auto& entry = raised->at("alert").as_object();
  EXPECT_EQ(entry.at("severity"), "red");
  EXPECT_EQ(entry.at("state"), "new");
  EXPECT_TRUE(entry.at("display_id").as_string().starts_with("A-"));
  EXPECT_FALSE(entry.at("report").is_null());  // red: one-hour report deadline

  // The duty leader on shift now (by the roster) is texted, and so is the bureau.
  const auto leaders = on_duty_phones("duty_leader");
  ASSERT_FALSE(leaders.empty());
  ASSERT_TRUE(wait_until([&] { return contains(texted(), leaders[0]); }, 10s))
      << "the duty leader " << leaders[0] << " got no SMS";
  const auto bureau = on_duty_phones("bureau_duty_officer");
  ASSERT_FALSE(bureau.empty());
  EXPECT_TRUE(contains(texted(), bureau[0]));
  EXPECT_NE(sms_lines()[0].find("红色预警"), std::string::npos);

  // Nobody acknowledges: two seconds later the principal is texted as well.
  const auto principals = on_duty_phones("principal");
  ASSERT_FALSE(principals.empty());
  ASSERT_TRUE(wait_until([&] { return contains(texted(), principals[0]); }, 15s))
      << "no escalation to the principal";
  auto escalated = ws.wait_for(
      [](const json::value& m) { return m.at("type") == "alert" && m.at("event") == "escalated"; },
      5s);
  ASSERT_TRUE(escalated);
  EXPECT_TRUE(escalated->at("alert").at("escalation").at("next").is_null());  // no more steps
  EXPECT_GE(metric("campus_sms_total{gateway=\"log\",status=\"sent\"}"), 3);
  EXPECT_EQ(metric("campus_alert_reports_pending"), 1);
}

TEST_F(alert_handling, the_whole_loop_through_the_api_each_step_on_the_websocket) {
  ws_client ws;
  ASSERT_TRUE(server_->connect(ws));
  ASSERT_TRUE(ws.next(5s));
  test_publisher pub(broker_.port());
  pub.publish(gas_topic, R"({"lel_pct":40})");
  auto raised = ws.wait_for(
      [](const json::value& m) { return m.at("type") == "alert" && m.at("event") == "raised"; },
      10s);
  ASSERT_TRUE(raised);
  const std::string id(raised->at("alert").at("display_id").as_string());
  const std::string base = "/api/alerts/" + id;

  // The person recorded is the session's user, whatever the body says.
  auto acked = post(base + "/ack", R"({"who":"somebody else","note":"到场处置"})", 200, "wangfang");
  EXPECT_EQ(acked.at("alert").at("state"), "acknowledged");
  EXPECT_EQ(acked.at("alert").at("acknowledged_by"), "王芳");
  ASSERT_TRUE(ws.wait_for(
      [](const json::value& m) { return m.at("type") == "alert" && m.at("event") == "acknowledged"; },
      5s));
  auto again = post(base + "/ack", R"({})", 409, "wangfang");
  EXPECT_EQ(again.at("code"), "invalid_state");
  auto early = post(base + "/close", R"({"note":"复查"})", 409, "liuyang");
  EXPECT_EQ(early.at("code"), "condition_active");

  pub.publish(gas_topic, R"({"lel_pct":0})");
  ASSERT_TRUE(ws.wait_for(
      [](const json::value& m) { return m.at("type") == "alert" && m.at("event") == "cleared"; },
      10s));
  auto no_note = post(base + "/rectify", R"({})", 400, "liuyang");
  EXPECT_EQ(no_note.at("code"), "missing_note");
  post(base + "/rectify", R"({"note":"关闭总阀，更换软管"})", 200, "liuyang");
  auto self = post(base + "/close", R"({"note":"复查无泄漏"})", 409, "liuyang");
  EXPECT_EQ(self.at("code"), "self_verification");
  post(base + "/close", R"({"note":"复查无泄漏"})", 403, "wangfang");  // a duty leader may not close
  post(base + "/report", R"({"note":"已电话报告区教育局值班室"})", 200, "wangfang");
  auto closed = post(base + "/close", R"({"note":"复查无泄漏"})", 200, "liming");
  EXPECT_EQ(closed.at("alert").at("state"), "closed");
  EXPECT_EQ(closed.at("alert").at("closed_by"), "李明");
  EXPECT_EQ(closed.at("alert").at("rectified_by"), "刘洋");
  EXPECT_TRUE(closed.at("alert").at("escalation").is_null());
  ASSERT_TRUE(ws.wait_for(
      [](const json::value& m) { return m.at("type") == "alert" && m.at("event") == "closed"; },
      5s));

  // Nothing is deleted: the closed entry is listed under closed, with its whole history.
  auto closed_list = server_->get("/api/alerts?state=closed");
  ASSERT_TRUE(closed_list);
  EXPECT_EQ(json::parse(closed_list->body).at("total"), 1);
  auto open_list = server_->get("/api/alerts?state=open");
  EXPECT_EQ(json::parse(open_list->body).at("total"), 0);
  auto detail = server_->get(base);
  ASSERT_TRUE(detail);
  ASSERT_EQ(detail->status, 200);
  std::vector<std::string> kinds;
  const json::value history = json::parse(detail->body);  // outlives the loop
  for (const auto& t : history.at("transitions").as_array())
    kinds.emplace_back(t.at("what").as_string());
  for (const char* k : {"raised", "notified", "acknowledged", "cleared", "rectified", "reported",
                        "closed"}) {
    EXPECT_TRUE(contains(kinds, k)) << k;
  }
}

TEST_F(alert_handling, a_leak_that_reached_red_is_red_by_its_peak_after_falling_back) {
  ws_client ws;
  ASSERT_TRUE(server_->connect(ws));
  ASSERT_TRUE(ws.next(5s));
  test_publisher pub(broker_.port());
  auto event = [&](const char* kind) {
    return ws.wait_for(
        [kind](const json::value& m) { return m.at("type") == "alert" && m.at("event") == kind; },
        10s);
  };
  pub.publish(gas_topic, R"({"lel_pct":12})");  // yellow (10)
  ASSERT_TRUE(event("raised")) << server_->process().log_tail();
  pub.publish(gas_topic, R"({"lel_pct":30})");  // red (25)
  ASSERT_TRUE(event("severity_changed"));
  pub.publish(gas_topic, R"({"lel_pct":15})");  // yellow again once clear_after (2 s) held
  auto fell = event("severity_changed");
  ASSERT_TRUE(fell);
  EXPECT_EQ(fell->at("alert").at("severity"), "yellow");
  EXPECT_EQ(fell->at("alert").at("max_severity"), "red");

  auto red = server_->get("/api/alerts?severity=red");
  ASSERT_TRUE(red);
  ASSERT_EQ(red->status, 200) << red->body;
  const json::value page = json::parse(red->body);  // outlives the loop
  ASSERT_EQ(page.at("total"), 1);
  const auto& entry = page.at("alerts").at(0);
  EXPECT_EQ(entry.at("severity"), "yellow");
  EXPECT_EQ(entry.at("max_severity"), "red");
  EXPECT_EQ(entry.at("value").to_number<double>(), 15);
  EXPECT_EQ(entry.at("raised_value").to_number<double>(), 12);
  EXPECT_EQ(entry.at("peak_value").to_number<double>(), 30);
  auto yellow = server_->get("/api/alerts?severity=yellow");
  EXPECT_EQ(json::parse(yellow->body).at("total"), 0);
}

TEST_F(alert_handling, a_restart_keeps_every_open_alert_and_its_escalation) {
  test_publisher pub(broker_.port());
  pub.publish(gas_topic, R"({"lel_pct":40})");
  ASSERT_TRUE(wait_until([&] { return metric("campus_alert_reports_pending") == 1; }, 10s));
  auto hazard = post("/api/hazards",
                     R"({"site":"xh-primary","zone":"kitchen","title":"灭火器过期",)"
                     R"("severity":"yellow","responsible":"王芳","deadline":"2020-01-01T00:00:00Z"})",
                     201, "liuyang");
  EXPECT_EQ(hazard.at("alert").at("kind"), "manual");
  EXPECT_EQ(hazard.at("alert").at("overdue"), true);
  const auto lines_before = sms_lines().size();
  ASSERT_TRUE(wait_until([&] { return sms_lines().size() >= 4; }, 15s));  // incl. the 2 s step

  stop();
  start();
  ws_client ws;
  ASSERT_TRUE(server_->connect(ws));
  auto snapshot = ws.next(5s);
  ASSERT_TRUE(snapshot);
  const auto& open = snapshot->at("alerts").as_array();
  ASSERT_EQ(open.size(), 2u);
  for (const auto& e : open) {
    EXPECT_FALSE(e.at("escalation").is_null()) << e.at("display_id");
    if (e.at("kind") == "sensor") {
      EXPECT_EQ(e.at("severity"), "red");
      EXPECT_FALSE(e.at("report").is_null());
      EXPECT_GE(e.at("escalation").at("told").as_array().size(), 3u);
    }
  }
  EXPECT_EQ(metric("campus_alert_reports_pending"), 1);
  auto overdue = server_->get("/api/alerts?overdue=1");
  ASSERT_TRUE(overdue);
  EXPECT_EQ(json::parse(overdue->body).at("total"), 1);
  EXPECT_GE(sms_lines().size(), lines_before);
}

TEST_F(alert_handling, bad_requests_are_refused_with_a_reason) {
  EXPECT_EQ(server_->get("/api/alerts?state=bogus")->status, 400);
  EXPECT_EQ(server_->get("/api/alerts?limit=0")->status, 400);
  EXPECT_EQ(server_->get("/api/alerts?site=nowhere")->status, 400);
  EXPECT_EQ(server_->get("/api/alerts/A-999999")->status, 404);
  EXPECT_EQ(server_->get("/api/alerts/xyz")->status, 404);
  post("/api/alerts/1/ack", "not json", 400);
  post("/api/alerts/1/explode", R"({})", 404);
  post("/api/hazards", R"({"site":"xh-primary"})", 400);  // no title
  post("/api/hazards", R"({"site":"xh-primary","title":"t","zone":"moon"})", 400);
  auto r = server_->post("/api/alerts", "{}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
}

}  // namespace
}  // namespace campus::test
