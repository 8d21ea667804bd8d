// Per-school scope and login through the real campus-shield process (docs/security.md): every
// route and the WebSocket, for a user of another school, a user of the school, a viewer and
// nobody. Each "refused" row has its "allowed" twin for the school's own user, so the table
// fails if a route refuses everyone as surely as if it leaks.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>

#include "campus_server.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"
#include "ws_client.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* xh_gas = "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry";
constexpr const char* bh_gas = "campus/bh-middle/kitchen/bh-kitchen-gas-1/telemetry";

class school_scope : public testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<campus_server>(
        std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml", broker_.port(), dir_.path(),
        std::vector<test_user>{campus_server::admin(),
                               {"xh-leader", "duty_leader", {"xh-primary"}, "王芳"},
                               {"xh-viewer", "viewer", {"xh-primary"}, "门卫"},
                               {"bh-leader", "duty_leader", {"bh-middle"}, "杨磊"},
                               {"bureau", "bureau", {}, "李明"}});
    ASSERT_TRUE(server_->wait_until_connected());
    // An open entry of 星火小学 to aim at.
    pub_.publish(xh_gas, R"({"lel_pct":40})");
    ASSERT_TRUE(wait_until([&] {
      auto r = server_->get("/api/alerts?site=xh-primary&state=open");
      return r && r->status == 200 && json::parse(r->body).at("total").as_int64() == 1;
    })) << "no xh alert in the ledger";
    auto r = server_->get("/api/alerts?site=xh-primary&state=open");
    xh_entry_ = std::string(json::parse(r->body).at("alerts").at(0).at("display_id").as_string());
  }

  int status(const std::string& method, const std::string& target, const std::string& user,
             const std::string& body = "{}") {
    auto r = method == "GET" ? server_->get(target, user) : server_->post(target, body, user);
    return r ? r->status : -1;
  }

  temp_dir dir_;
  mosquitto_broker broker_;
  std::unique_ptr<campus_server> server_;
  test_publisher pub_{broker_.port()};
  std::string xh_entry_;
};

struct route_case {
  std::string method;
  std::string target;  // "{xh}" stands for the xh entry's id
  std::string body;
  int other_school;    // what bh-leader gets
  int own_school;      // what xh-leader gets
};

TEST_F(school_scope, every_route_refuses_another_schools_user_and_serves_the_schools_own) {
  const std::vector<route_case> routes{
      {"GET", "/api/devices?site=xh-primary", "", 404, 200},
      {"GET", "/api/alerts?site=xh-primary", "", 400, 200},
      {"GET", "/api/alerts/{xh}", "", 404, 200},
      {"POST", "/api/alerts/{xh}/note", R"({"note":"看过了"})", 404, 200},
      {"POST", "/api/alerts/{xh}/report", R"({"note":"已报告"})", 404, 200},
      {"POST", "/api/alerts/{xh}/ack", R"({"note":"到场"})", 404, 200},
      {"POST", "/api/hazards", R"({"site":"xh-primary","title":"消防通道堵塞"})", 400, 201},
      {"GET", "/api/history?device=xh-kitchen-gas-1&metric=lel_pct", "", 404, 200},
      {"GET", "/api/roster?site=xh-primary", "", 404, 200},
  };
  for (const auto& c : routes) {
    std::string target = c.target;
    if (auto at = target.find("{xh}"); at != std::string::npos) target.replace(at, 4, xh_entry_);
    EXPECT_EQ(status(c.method, target, "bh-leader", c.body), c.other_school)
        << c.method << " " << target << " as another school's duty leader";
    EXPECT_EQ(status(c.method, target, "xh-leader", c.body), c.own_school)
        << c.method << " " << target << " as the school's duty leader";
  }
}

TEST_F(school_scope, refusals_and_logins_are_in_the_audit_log_for_administrators) {
  EXPECT_EQ(status("POST", "/api/alerts/" + xh_entry_ + "/ack", "bh-leader"), 404);
  EXPECT_EQ(status("GET", "/api/devices?site=xh-primary", "bh-leader"), 404);
  EXPECT_EQ(status("POST", "/api/alerts/" + xh_entry_ + "/close", "xh-leader", R"({"note":"x"})"),
            403);
  EXPECT_EQ(status("GET", "/api/audit", "bh-leader"), 403);  // not an administrator
  json::array events;
  ASSERT_TRUE(wait_until([&] {  // the audit log is written on the authenticator's thread
    auto r = server_->get("/api/audit?limit=1000");
    if (!r || r->status != 200) return false;
    events = json::parse(r->body).at("events").as_array();
    int denied = 0;
    for (const auto& e : events) denied += e.at("what") == "denied";
    return denied >= 3;
  }));
  std::vector<std::string> denied_to, logged_in;
  for (const auto& e : events) {
    if (e.at("what") == "denied") denied_to.emplace_back(e.at("who").as_string());
    if (e.at("what") == "login_ok") logged_in.emplace_back(e.at("who").as_string());
    EXPECT_FALSE(e.at("address").as_string().empty()) << json::serialize(e);
  }
  EXPECT_EQ(std::count(denied_to.begin(), denied_to.end(), "bh-leader"), 2);
  EXPECT_EQ(std::count(denied_to.begin(), denied_to.end(), "xh-leader"), 1);
  EXPECT_NE(std::find(logged_in.begin(), logged_in.end(), "bh-leader"), logged_in.end());
}

TEST_F(school_scope, lists_hold_only_the_users_schools) {
  auto sites = json::parse(server_->get("/api/sites", "bh-leader")->body).at("sites").as_array();
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0].at("id"), "bh-middle");
  const auto devices = json::parse(server_->get("/api/devices", "bh-leader")->body);
  ASSERT_FALSE(devices.at("devices").as_array().empty());
  for (const auto& d : devices.at("devices").as_array()) EXPECT_EQ(d.at("site"), "bh-middle");
  EXPECT_EQ(json::parse(server_->get("/api/alerts", "bh-leader")->body).at("total"), 0);
  EXPECT_EQ(json::parse(server_->get("/api/alerts", "xh-leader")->body).at("total"), 1);
  // The bureau sees every school.
  EXPECT_EQ(json::parse(server_->get("/api/sites", "bureau")->body).at("sites").as_array().size(),
            3u);
}

TEST_F(school_scope, roles_limit_what_a_user_of_the_school_may_do) {
  const std::string base = "/api/alerts/" + xh_entry_;
  EXPECT_EQ(status("GET", base, "xh-viewer"), 200);
  EXPECT_EQ(status("POST", base + "/ack", "xh-viewer"), 403);
  EXPECT_EQ(status("POST", "/api/hazards", "xh-viewer",
                   R"({"site":"xh-primary","title":"消防通道堵塞"})"),
            403);
  EXPECT_EQ(status("POST", base + "/close", "xh-leader", R"({"note":"x"})"), 403);
  EXPECT_EQ(status("POST", base + "/ack", "xh-leader"), 200);
}

TEST_F(school_scope, nothing_is_served_without_a_live_session) {
  for (const char* target : {"/api/sites", "/api/devices", "/api/alerts", "/api/me",
                             "/api/roster?site=xh-primary",
                             "/api/history?device=xh-kitchen-gas-1&metric=lel_pct"}) {
    auto r = http_get(server_->port(), target);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << target;
  }
  EXPECT_EQ(http_post(server_->port(), "/api/alerts/" + xh_entry_ + "/ack", "{}")->status, 401);
  EXPECT_EQ(http_get(server_->port(), "/api/sites", std::string(64, 'a'))->status, 401);
  // The dashboard's files and the health check stay public.
  EXPECT_EQ(http_get(server_->port(), "/")->status, 200);
  EXPECT_EQ(http_get(server_->port(), "/healthz")->status, 200);

  // A logged-out token is dead at once.
  const std::string token = server_->token("xh-leader");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(http_get(server_->port(), "/api/me", token)->status, 200);
  EXPECT_EQ(http_post(server_->port(), "/api/logout", "", token)->status, 204);
  EXPECT_EQ(http_get(server_->port(), "/api/me", token)->status, 401);
  ws_client ws;
  EXPECT_FALSE(ws.connect(server_->port(), 5s, token)) << "a dead session opened /ws";
  ws_client anonymous;
  EXPECT_FALSE(anonymous.connect(server_->port(), 5s)) << "/ws without a session";

  // A wrong password is refused, with the same answer as an unknown user.
  auto wrong = http_post(server_->port(), "/api/login", R"({"user":"xh-leader","password":"nope-nope-nope"})");
  auto unknown = http_post(server_->port(), "/api/login", R"({"user":"nobody","password":"nope-nope-nope"})");
  ASSERT_TRUE(wrong && unknown);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(wrong->body, unknown->body);
}

TEST_F(school_scope, a_feed_ends_when_its_login_ends) {
  ws_client ws;
  ASSERT_TRUE(server_->connect(ws, "xh-leader"));
  ASSERT_TRUE(ws.next(5s));  // the snapshot
  ASSERT_EQ(http_post(server_->port(), "/api/logout", "", server_->token("xh-leader"))->status, 204);
  // The server checks every few seconds; the feed must end, not keep streaming the school.
  // Read until the connection ends or 30 s pass (a timeout ends the reading from our side,
  // which closed() does not count).
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline && ws.next(30s)) {
  }
  EXPECT_TRUE(ws.closed()) << "the WebSocket outlived its session";
}

TEST_F(school_scope, another_sites_page_cannot_use_the_session) {
  const std::string token = server_->token("xh-leader");
  ws_client evil;
  EXPECT_FALSE(evil.connect(server_->port(), 5s, token, "http://evil.example"))
      << "/ws opened from another origin";
  ws_client same;
  EXPECT_TRUE(same.connect(server_->port(), 5s, token,
                           "http://127.0.0.1:" + std::to_string(server_->port())));
}

TEST_F(school_scope, the_websocket_never_carries_another_schools_message) {
  ws_client xh, bh;
  ASSERT_TRUE(server_->connect(xh, "xh-leader"));
  ASSERT_TRUE(server_->connect(bh, "bh-leader"));
  auto bh_snapshot = bh.next(5s);
  ASSERT_TRUE(bh_snapshot);
  for (const auto& d : bh_snapshot->at("devices").as_array()) EXPECT_EQ(d.at("site"), "bh-middle");
  EXPECT_TRUE(bh_snapshot->at("alerts").as_array().empty());  // the xh alert is not theirs
  auto xh_snapshot = xh.next(5s);
  ASSERT_TRUE(xh_snapshot);
  EXPECT_EQ(xh_snapshot->at("alerts").as_array().size(), 1u);

  // The xh detector goes higher: the xh leader hears of it; then a bh reading follows.
  pub_.publish(xh_gas, R"({"lel_pct":60})");
  ASSERT_TRUE(xh.wait_for(
      [](const json::value& m) {
        return m.at("type") == "reading" && m.at("reading").at("value") == 60;
      },
      10s));
  pub_.publish(bh_gas, R"({"lel_pct":2.5})");
  int seen = 0;
  auto bh_reading = bh.wait_for(
      [&](const json::value& m) {
        ++seen;
        const json::value* body = m.as_object().if_contains("reading");
        if (!body) body = m.as_object().if_contains("alert");
        EXPECT_TRUE(body && body->at("site") == "bh-middle") << json::serialize(m);
        return m.at("type") == "reading" && m.at("reading").at("device") == "bh-kitchen-gas-1";
      },
      10s);
  ASSERT_TRUE(bh_reading) << "the bh leader did not get their own school's reading";
  EXPECT_GE(seen, 1);
}

}  // namespace
}  // namespace campus::test
