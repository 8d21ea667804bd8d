// The incident desk with its real parts: a ledger on a SQLite file in a temporary directory,
// the roster of a small district, the log SMS gateway writing to a file, and an injected clock.
// The test thread runs the io_context until what it waits for has happened (no sleeping).
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include "config/loader.hpp"
#include "incident/incident_desk.hpp"
#include "notify/duty/duty_config.hpp"
#include "notify/sms/log_sms_gateway.hpp"

namespace campus::incident {
namespace {

using namespace std::chrono_literals;
namespace duty = notify::duty;
using code = alerts::ledger_error::code;

constexpr const char* district_yaml = R"(district: {id: d, name: 示范区}
rules:
  - id: gas-leak
    name: 燃气泄漏
    kind: threshold
    match: {families: [gas_detector]}
    metric: lel_pct
    op: above
    levels:
      - {severity: red, threshold: 25, clear: 20}
sites:
  - id: xh
    name: 星火小学
    zones:
      - {id: kitchen, type: canteen_kitchen, name: 后厨}
    devices:
      - {id: gas-1, family: gas_detector, zone: kitchen, name: 燃气探测器1}
      - {id: gas-3, family: gas_detector, zone: kitchen}
      - {id: gas-4, family: gas_detector, zone: kitchen}
      - {id: gas-5, family: gas_detector, zone: kitchen}
      - {id: gas-6, family: gas_detector, zone: kitchen}
      - {id: gas-7, family: gas_detector, zone: kitchen}
  - id: empty
    name: 无人学校
    zones:
      - {id: kitchen, type: canteen_kitchen, name: 后厨}
    devices:
      - {id: gas-2, family: gas_detector, zone: kitchen}
duty:
  people:
    - {id: wang, name: 王芳, phone: "+8613800000002", roles: [duty_leader], sites: [xh]}
    - {id: chen, name: 陈静, phone: "+8613800000005", roles: [principal], sites: [xh]}
    - {id: qian, name: 钱进, phone: "+8613800000017", roles: [bureau_duty_officer]}
  shifts:
    - {site: xh, role: duty_leader, person: wang, days: [1,2,3,4,5,6,7], from: "00:00", to: "24:00"}
    - {site: xh, role: principal, person: chen, days: [1,2,3,4,5,6,7], from: "00:00", to: "24:00"}
    - {role: bureau_duty_officer, person: qian, days: [1,2,3,4,5,6,7], from: "00:00", to: "24:00"}
  escalation:
    red:
      - {after: 0s, roles: [duty_leader, bureau_duty_officer], channels: [sms, dashboard]}
      - {after: 5m, roles: [principal], channels: [sms]}
    orange:
      - {after: 0s, roles: [duty_leader, bureau_duty_officer], channels: [sms, dashboard]}
    yellow:
      - {after: 0s, roles: [duty_leader], channels: [dashboard]}
    blue:
      - {after: 0s, roles: [], channels: [dashboard]}
)";

config::district load_district() {
  auto d = config::load_string(district_yaml);
  if (!d) std::abort();  // the fixture itself is wrong
  return std::move(*d);
}

struct heard_entry {
  std::string event;
  entry_view view;
};

struct recording_listener : incident_listener {
  std::vector<heard_entry> heard;
  void on_entry(const entry_view& v, std::string_view event,
                const std::vector<alerts::ledger_transition>&) override {
    heard.push_back({std::string(event), v});
  }
  std::size_t count(std::string_view event) const {
    std::size_t n = 0;
    for (const auto& h : heard) n += h.event == event;
    return n;
  }
};

class incident_desk_test : public ::testing::Test {
 protected:
  incident_desk_test() : district_(load_district()), state_(district_) {
    std::string pattern = (std::filesystem::temp_directory_path() / "campus-desk-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    dir_ = pattern;
    auto settings = duty::load_duty_string(district_yaml, district_);
    if (!settings) {
      for (const auto& e : settings.error()) std::fprintf(stderr, "%s\n", e.to_string().c_str());
      std::abort();
    }
    roster_ = std::make_unique<duty::roster>(settings->plan);
    policy_ = settings->escalation;
    clock_.set(core::time_point{} + std::chrono::hours(24 * 20000));
    open();
  }
  ~incident_desk_test() override {
    close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // A server start: ledger, gateway, desk, restore.
  void open() {
    auto ledger = alerts::alert_ledger::open((dir_ / "ledger.db").string(), clock_, metrics_);
    ASSERT_TRUE(ledger.has_value()) << ledger.error().message;
    ledger_ = std::move(*ledger);
    desk_ = std::make_unique<incident_desk>(io_, *ledger_, state_, roster_.get(), policy_, clock_,
                                            metrics_);
    auto gateway = notify::sms::log_sms_gateway::open((dir_ / "sms.log").string());
    ASSERT_TRUE(gateway.has_value()) << gateway.error();
    gateway_ = std::move(*gateway);
    auto outbox = std::make_unique<sms_outbox>(desk_->strand(), *gateway_,
                                               notify::sms::sms_template_options{},
                                               notify::sms::sms_language::zh,
                                               notify::sms::rate_limit_policy{}, clock_, metrics_);
    outbox_ = outbox.get();
    desk_->set_outbox(std::move(outbox));
    desk_->set_listener(&listener_);
    auto restored = desk_->restore();
    ASSERT_TRUE(restored.has_value()) << restored.error();
  }
  // A server stop, in the application's order: the gateway, then the ledger's worker (its
  // last answers are posted to the desk's strand and never run), then the desk.
  void close() {
    gateway_.reset();
    if (ledger_) ledger_->stop();
    desk_.reset();
    ledger_.reset();
    // Handlers still queued for the old desk must not run against the new one: drop them by
    // running nothing more on this io_context before the restart. (The desk's handlers are
    // only ledger answers, already received above.)
  }

  bool run_until(const std::function<bool()>& done) {
    for (int i = 0; i < 3000 && !done(); ++i) io_.run_one_for(10ms);
    return done();
  }

  template <class T, class Start>
  alerts::ledger_result<T> ask(Start&& start) {
    std::optional<alerts::ledger_result<T>> answer;
    start([&answer](alerts::ledger_result<T> r) { answer = std::move(r); });
    EXPECT_TRUE(run_until([&] { return answer.has_value(); }));
    return std::move(*answer);
  }

  alerts::ledger_result<entry_view> act(action what, std::int64_t id, std::string who,
                                        std::string note = {}) {
    return ask<entry_view>([&](auto done) { desk_->act(what, id, who, note, std::move(done)); });
  }

  rules::alert gas_alert(const std::string& device, double value) {
    rules::alert a;
    a.id = "gas-leak/" + device + "#1";
    a.site = device == "gas-2" ? "empty" : "xh";
    a.zone = "kitchen";
    a.device = device;
    a.rule = "gas-leak";
    a.rule_name = "燃气浓度超标";
    a.rule_name_en = "Gas above limit";
    a.metric = "lel_pct";
    a.severity = core::severity::red;
    a.value = value;
    a.threshold = 25.0;
    a.raised_at = a.updated_at = clock_.now();
    return a;
  }

  // Raises a red gas alert and waits until its first SMS are recorded; returns the ledger id.
  std::int64_t raise_red(const std::string& device = "gas-1", std::size_t expect_notified = 2) {
    const auto before = listener_.count("notified");
    desk_->on_alert({rules::alert_event::kind::raised, gas_alert(device, 40)});
    EXPECT_TRUE(run_until([&] { return listener_.count("notified") >= before + expect_notified; }));
    for (const auto& h : listener_.heard)
      if (h.event == "raised") return h.view.entry.id;
    ADD_FAILURE() << "no raised entry announced";
    return 0;
  }

  std::vector<std::string> sms_lines() const {
    std::ifstream in(dir_ / "sms.log");
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  std::int64_t metric(const std::string& name, const std::string& labels = {}) {
    return static_cast<std::int64_t>(metrics_.get(name, labels).value());
  }

  std::filesystem::path dir_;
  core::manual_clock clock_;
  core::metrics metrics_;
  config::district district_;
  ingest::live_state state_;
  std::unique_ptr<duty::roster> roster_;
  duty::escalation_policy policy_;
  boost::asio::io_context io_;
  // Keeps run_one_for waiting for the ledger's and the gateway's answers.
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  recording_listener listener_;
  std::unique_ptr<alerts::alert_ledger> ledger_;
  std::unique_ptr<incident_desk> desk_;
  sms_outbox* outbox_ = nullptr;  // the desk's
  std::unique_ptr<notify::sms::log_sms_gateway> gateway_;
};

TEST_F(incident_desk_test, a_red_alert_is_recorded_then_announced_then_texted_to_who_is_on_duty) {
  const auto id = raise_red();
  ASSERT_GE(listener_.heard.size(), 1u);
  EXPECT_EQ(listener_.heard.front().event, "raised");  // announced only once committed
  const entry_view& raised = listener_.heard.front().view;
  EXPECT_EQ(raised.entry.severity, core::severity::red);
  ASSERT_TRUE(raised.escalation.has_value());
  // Step 0: the duty leader and the bureau duty officer, each by SMS and on the dashboard.
  EXPECT_EQ(raised.escalation->told.size(), 4u);
  ASSERT_TRUE(raised.escalation->next.has_value());
  EXPECT_EQ(raised.escalation->next->roles, std::vector<std::string>{"principal"});
  EXPECT_EQ(raised.escalation->next->at, raised.entry.raised_at + 5min);
  ASSERT_TRUE(raised.report.has_value());
  EXPECT_EQ(raised.report->deadline, raised.entry.raised_at + 1h);

  const auto lines = sms_lines();
  ASSERT_EQ(lines.size(), 2u);
  std::string all = lines[0] + "\n" + lines[1];
  EXPECT_NE(all.find("+8613800000002"), std::string::npos);  // 王芳, the duty leader
  EXPECT_NE(all.find("+8613800000017"), std::string::npos);  // 钱进, the bureau
  EXPECT_NE(lines[0].find("红色预警"), std::string::npos);
  EXPECT_NE(lines[0].find("星火小学"), std::string::npos);
  EXPECT_NE(lines[0].find(alerts::display_id(id)), std::string::npos);

  // The audit trail holds both messages.
  auto detail = ask<entry_detail>([&](auto done) { desk_->detail(id, std::move(done)); });
  ASSERT_TRUE(detail.has_value());
  int notified = 0;
  for (const auto& t : detail->transitions) {
    if (t.what != alerts::transition_kind::notified) continue;
    ++notified;
    EXPECT_TRUE(t.note.starts_with("sent by log to ")) << t.note;
    EXPECT_TRUE(t.note.find("王芳") != std::string::npos ||
                t.note.find("钱进") != std::string::npos)
        << t.note;
  }
  EXPECT_EQ(notified, 2);
  EXPECT_EQ(metric("campus_sms_total", "gateway=\"log\",status=\"sent\""), 2);
}

TEST_F(incident_desk_test, nobody_acknowledges_so_the_principal_is_texted_after_five_minutes) {
  raise_red();
  clock_.advance(4min);
  desk_->tick_now();
  // A read through the ledger and back to the strand: the tick has run by its answer.
  ASSERT_TRUE(ask<view_page>([&](auto done) { desk_->list({}, std::move(done)); }).has_value());
  EXPECT_EQ(sms_lines().size(), 2u);
  clock_.advance(1min);
  desk_->tick_now();
  ASSERT_TRUE(run_until([&] { return listener_.count("notified") >= 3; }));
  const auto lines = sms_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[2].find("+8613800000005"), std::string::npos);  // 陈静, the principal
  EXPECT_GE(listener_.count("escalated"), 1u);
}

// The application tells the outbox the dashboard's address once the server is bound (port 0
// here): the first texts, the escalation step and a summary all link that address.
TEST_F(incident_desk_test, every_text_links_the_address_the_server_was_bound_to) {
  outbox_->set_dashboard("http://127.0.0.1:41234/");
  const auto id = raise_red();
  const std::string link =
      "请登录 http://127.0.0.1:41234/#alert=" + alerts::display_id(id) + " 确认。";
  clock_.advance(5min);
  desk_->tick_now();
  ASSERT_TRUE(run_until([&] { return listener_.count("notified") >= 3; }));
  auto lines = sms_lines();
  ASSERT_EQ(lines.size(), 3u);  // the duty leader and the bureau, then the principal
  for (const auto& line : lines) EXPECT_NE(line.find(link), std::string::npos) << line;

  for (const char* device : {"gas-3", "gas-4", "gas-5", "gas-6"}) {
    auto a = gas_alert(device, 30);
    a.severity = core::severity::orange;
    desk_->on_alert({rules::alert_event::kind::raised, a});
  }
  ASSERT_TRUE(run_until(
      [&] { return metric("campus_sms_total", "gateway=\"log\",status=\"grouped\"") > 0; }));
  clock_.advance(10min);
  desk_->tick_now();
  ASSERT_TRUE(run_until([&] { return metric("campus_sms_summaries_total") > 0; }));
  ASSERT_TRUE(run_until([&] {
    for (const auto& line : sms_lines())
      if (line.find("另有") != std::string::npos) return true;
    return false;
  }));
  for (const auto& line : sms_lines()) {
    if (line.find("另有") == std::string::npos) continue;
    EXPECT_NE(line.find("请登录 http://127.0.0.1:41234/ 查看。"), std::string::npos) << line;
  }
}

TEST_F(incident_desk_test, a_step_after_the_leak_stopped_still_asks_for_an_acknowledgement) {
  raise_red();
  clock_.advance(1min);
  desk_->on_alert({rules::alert_event::kind::cleared, gas_alert("gas-1", 3)});
  ASSERT_TRUE(run_until([&] { return listener_.count("cleared") == 1; }));
  clock_.advance(4min);
  desk_->tick_now();
  ASSERT_TRUE(run_until([&] { return listener_.count("notified") == 3; }));
  const auto lines = sms_lines();
  ASSERT_EQ(lines.size(), 3u);
  const std::string principal = lines[2];
  EXPECT_NE(principal.find("+8613800000005"), std::string::npos);
  EXPECT_EQ(principal.find("解除"), std::string::npos) << principal;  // not "all clear"
  EXPECT_NE(principal.find("尚未确认"), std::string::npos) << principal;
}

TEST_F(incident_desk_test, an_acknowledgement_stops_the_escalation) {
  const auto id = raise_red();
  auto acked = act(action::acknowledge, id, "王芳", "到场处置");
  ASSERT_TRUE(acked.has_value()) << acked.error().message;
  EXPECT_EQ(acked->entry.state, alerts::handling::acknowledged);
  ASSERT_TRUE(acked->escalation.has_value());
  EXPECT_TRUE(acked->escalation->acknowledged);
  EXPECT_FALSE(acked->escalation->next.has_value());
  const auto decided = metric("campus_escalation_notifications_total", "channel=\"sms\"");
  clock_.advance(10min);
  desk_->tick_now();
  auto listed = ask<view_page>([&](auto done) { desk_->list({}, std::move(done)); });
  ASSERT_TRUE(listed.has_value());  // the tick ran before the list was answered
  EXPECT_EQ(metric("campus_escalation_notifications_total", "channel=\"sms\""), decided);
  EXPECT_EQ(sms_lines().size(), 2u);
}

TEST_F(incident_desk_test, the_whole_loop_with_self_verification_refused) {
  const auto id = raise_red();
  ASSERT_TRUE(act(action::acknowledge, id, "王芳").has_value());
  auto early = act(action::close, id, "刘洋", "checked");
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().what, code::condition_active);
  desk_->on_alert({rules::alert_event::kind::cleared, gas_alert("gas-1", 3)});
  ASSERT_TRUE(run_until([&] { return listener_.count("cleared") == 1; }));
  ASSERT_TRUE(act(action::rectify, id, "王芳", "关闭总阀，更换接头").has_value());
  auto self = act(action::close, id, "王芳", "复查无泄漏");
  ASSERT_FALSE(self.has_value());
  EXPECT_EQ(self.error().what, code::self_verification);
  auto closed = act(action::close, id, "刘洋", "复查无泄漏");
  ASSERT_TRUE(closed.has_value()) << closed.error().message;
  EXPECT_EQ(closed->entry.state, alerts::handling::closed);
  EXPECT_FALSE(closed->escalation.has_value());  // escalation ends at closing
  EXPECT_EQ(listener_.heard.back().event, "closed");
  EXPECT_TRUE(desk_->open_entries().empty());
}

TEST_F(incident_desk_test, restart_keeps_open_alerts_and_sends_the_step_that_fell_due_while_down) {
  const auto id = raise_red();
  close();
  clock_.advance(6min);  // the principal's step (5 min) fell due while the server was down
  open();
  const auto open_now = desk_->open_entries();
  ASSERT_EQ(open_now.size(), 1u);
  EXPECT_EQ(open_now[0].entry.id, id);
  ASSERT_TRUE(open_now[0].escalation.has_value());
  // The brief form (the bureau's tallies) says the same of it.
  const auto briefs = desk_->open_briefs();
  ASSERT_EQ(briefs.size(), 1u);
  EXPECT_EQ(briefs[0].id, id);
  EXPECT_EQ(briefs[0].site, open_now[0].entry.site);
  EXPECT_EQ(briefs[0].severity, core::severity::red);
  EXPECT_EQ(briefs[0].updated_at, open_now[0].entry.updated_at);
  ASSERT_TRUE(open_now[0].report.has_value());
  EXPECT_EQ(briefs[0].report_deadline, open_now[0].report->deadline);
  EXPECT_FALSE(briefs[0].reported);
  const auto before = listener_.count("notified");
  desk_->tick_now();
  ASSERT_TRUE(run_until([&] { return listener_.count("notified") > before; }));
  const auto lines = sms_lines();
  ASSERT_EQ(lines.size(), 3u);  // the first two are not sent again
  EXPECT_NE(lines[2].find("+8613800000005"), std::string::npos);
}

TEST_F(incident_desk_test, report_deadline_is_tracked_in_gauges_until_reported) {
  const auto id = raise_red();
  desk_->tick_now();
  auto listed = ask<view_page>([&](auto done) { desk_->list({}, std::move(done)); });
  EXPECT_EQ(metric("campus_alert_reports_pending"), 1);
  EXPECT_EQ(metric("campus_alert_reports_overdue"), 0);
  clock_.advance(61min);
  desk_->tick_now();
  listed = ask<view_page>([&](auto done) { desk_->list({}, std::move(done)); });
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->entries.size(), 1u);
  ASSERT_TRUE(listed->entries[0].report.has_value());
  EXPECT_TRUE(listed->entries[0].report->overdue);
  EXPECT_EQ(metric("campus_alert_reports_overdue"), 1);
  auto reported = act(action::report, id, "王芳", "电话报告区教育局值班室");
  ASSERT_TRUE(reported.has_value());
  ASSERT_TRUE(reported->report.has_value());
  EXPECT_TRUE(reported->report->reported_at.has_value());
  EXPECT_TRUE(reported->report->late);
  desk_->tick_now();
  listed = ask<view_page>([&](auto done) { desk_->list({}, std::move(done)); });
  EXPECT_EQ(metric("campus_alert_reports_overdue"), 0);
  EXPECT_EQ(metric("campus_alert_reports_pending"), 0);
}

TEST_F(incident_desk_test, a_flapping_sensor_is_one_entry_and_does_not_flood_the_phones) {
  const auto id = raise_red();
  for (int i = 0; i < 20; ++i) {
    clock_.advance(10s);
    desk_->on_alert({rules::alert_event::kind::cleared, gas_alert("gas-1", 3)});
    clock_.advance(10s);
    auto again = gas_alert("gas-1", 41);
    again.id = "gas-leak/gas-1#" + std::to_string(i + 2);
    desk_->on_alert({rules::alert_event::kind::raised, again});
  }
  ASSERT_TRUE(run_until([&] { return listener_.count("refired") == 20; }));
  EXPECT_EQ(listener_.heard.back().view.entry.id, id);
  EXPECT_EQ(listener_.heard.back().view.entry.occurrences, 21);
  EXPECT_EQ(desk_->open_entries().size(), 1u);
  EXPECT_EQ(sms_lines().size(), 2u);  // the first two messages, nothing per flap
}

TEST_F(incident_desk_test, many_orange_alerts_to_one_phone_are_limited_then_summarised) {
  // Five detectors go orange at once: the duty leader and the bureau get three messages each
  // (the rate limit: 3 per 10 minutes), the other two wait for one summary per phone.
  for (const char* device : {"gas-3", "gas-4", "gas-5", "gas-6", "gas-7"}) {
    auto a = gas_alert(device, 30);
    a.severity = core::severity::orange;
    desk_->on_alert({rules::alert_event::kind::raised, a});
  }
  ASSERT_TRUE(run_until([&] { return listener_.count("notified") == 10; }));
  EXPECT_EQ(sms_lines().size(), 6u);
  EXPECT_EQ(metric("campus_sms_total", "gateway=\"log\",status=\"grouped\""), 4);
  int grouped = 0;
  for (const auto& h : listener_.heard) {
    if (h.event != "notified") continue;
    auto d = ask<entry_detail>([&](auto done) { desk_->detail(h.view.entry.id, std::move(done)); });
    ASSERT_TRUE(d.has_value());
    for (const auto& t : d->transitions)
      grouped += t.what == alerts::transition_kind::notified && t.note.starts_with("grouped");
  }
  EXPECT_GT(grouped, 0);  // the held-back ones are on record, not silently dropped

  clock_.advance(10min);
  desk_->tick_now();
  ASSERT_TRUE(run_until([&] { return sms_lines().size() == 8; }));
  const auto lines = sms_lines();
  EXPECT_NE(lines[6].find("另有 2 条"), std::string::npos) << lines[6];
  EXPECT_EQ(metric("campus_sms_summaries_total"), 2);
}

TEST_F(incident_desk_test, nobody_on_duty_is_shown_and_counted_not_hidden) {
  // The school "empty" has no duty leader; only the district's bureau officer is texted.
  raise_red("gas-2", 1);
  const entry_view& v = listener_.heard.front().view;
  ASSERT_TRUE(v.escalation.has_value());
  int gaps = 0;
  for (const auto& n : v.escalation->told) gaps += n.nobody_on_duty();
  EXPECT_EQ(gaps, 2);  // duty_leader, by sms and on the dashboard
  EXPECT_EQ(metric("campus_escalation_nobody_on_duty_total"), 2);
  ASSERT_EQ(sms_lines().size(), 1u);
  EXPECT_NE(sms_lines()[0].find("+8613800000017"), std::string::npos);
}

TEST_F(incident_desk_test, a_registered_hazard_joins_the_ledger_and_escalates_by_its_colour) {
  alerts::hazard_spec spec;
  spec.site = "xh";
  spec.zone = "kitchen";
  spec.title = "灭火器过期";
  spec.severity = core::severity::yellow;
  spec.responsible = "王芳";
  spec.deadline = clock_.now() + 24h;
  spec.reported_by = "刘洋";
  auto v = ask<entry_view>([&](auto done) { desk_->register_hazard(spec, std::move(done)); });
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(v->entry.kind, alerts::entry_kind::manual);
  EXPECT_FALSE(v->report.has_value());  // yellow: no one-hour report
  EXPECT_EQ(desk_->open_entries().size(), 1u);
  EXPECT_EQ(listener_.heard.back().event, "registered");
}

}  // namespace
}  // namespace campus::incident
