// The `sms:` section: defaults without one, each gateway read, every mistake located by line and
// setting, paths against data_dir, and open_gateway on real directories.
#include "notify/sms/sms_settings.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/loader.hpp"
#include "delivery_log.hpp"

namespace campus::notify::sms {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::delivery_log;
using testing::temp_dir;

config::district district_in(const std::string& data_dir) {
  config::district d;
  d.id = "test";
  d.data_dir = data_dir;
  return d;
}

sms_settings load(const std::string& yaml, const std::string& data_dir = "/srv/campus/var") {
  auto r = load_sms_string(yaml, district_in(data_dir), "district.yaml");
  if (!r) {
    std::string all;
    for (const auto& e : r.error()) all += e.to_string() + "\n";
    ADD_FAILURE() << all;
    return {};
  }
  return *r;
}

std::vector<config::config_error> errors_of(const std::string& yaml) {
  auto r = load_sms_string(yaml, district_in("/srv/campus/var"), "district.yaml");
  if (r) return {};
  return r.error();
}

// The one error with `setting`, at `line`, whose message holds `fragment`.
void expect_error(const std::vector<config::config_error>& errors, int line,
                  const std::string& setting, const std::string& fragment) {
  std::string all;
  for (const auto& e : errors) all += e.to_string() + "\n";
  for (const auto& e : errors) {
    if (e.setting != setting) continue;
    EXPECT_EQ(e.file, "district.yaml");
    EXPECT_EQ(e.line, line) << all;
    EXPECT_NE(e.message.find(fragment), std::string::npos) << all;
    return;
  }
  ADD_FAILURE() << "no error for " << setting << " in:\n" << all;
}

TEST(sms_settings, defaults_without_a_section) {
  auto s = load("district: {id: test}\nduty: {}\n");
  EXPECT_FALSE(s.configured);
  EXPECT_EQ(s.gateway, gateway_kind::log);
  EXPECT_EQ(s.log_file, "/srv/campus/var/sms.log");
  EXPECT_EQ(s.language, sms_language::zh);
  EXPECT_EQ(s.rate_limit.max_per_window, 3);
  EXPECT_EQ(s.rate_limit.window, core::duration{10min});
  EXPECT_EQ(s.template_options.dashboard, "");  // set once the server is bound
  EXPECT_EQ(s.template_options.max_chars, 140u);

  auto empty = load("sms:\n");
  EXPECT_TRUE(empty.configured);
  EXPECT_EQ(empty.gateway, gateway_kind::log);
}

TEST(sms_settings, the_sample_district_uses_the_log_gateway) {
  const fs::path file = fs::path(CAMPUS_SOURCE_DIR) / "config" / "district.yaml";
  auto district = config::load_file(file);
  ASSERT_TRUE(district.has_value());
  auto s = load_sms_file(file, *district);
  ASSERT_TRUE(s.has_value()) << s.error().front().to_string();
  EXPECT_TRUE(s->configured);
  EXPECT_EQ(s->gateway, gateway_kind::log);
  EXPECT_EQ(s->language, sms_language::zh);
  EXPECT_EQ(s->template_options.dashboard, "");  // the address served: not a constant
  EXPECT_EQ(s->rate_limit.max_per_window, 3);
  EXPECT_EQ(s->rate_limit.window, core::duration{10min});
  EXPECT_EQ(fs::path(s->log_file),
            fs::absolute(fs::path(district->data_dir) / "sms.log").lexically_normal());
}

TEST(sms_settings, the_log_gateway_and_the_template_options) {
  auto s = load(R"(
sms:
  gateway: log
  language: en
  reply_to_acknowledge: true
  max_chars: 70
  max_chars_en: 160
  rate_limit: {max_per_window: 5, window: 30m, red_memory: 12h}
  log: {file: logs/text-messages.log}
)");
  EXPECT_TRUE(s.configured);
  EXPECT_EQ(s.gateway, gateway_kind::log);
  EXPECT_EQ(s.language, sms_language::en);
  EXPECT_TRUE(s.template_options.reply_to_acknowledge);
  EXPECT_EQ(s.template_options.max_chars, 70u);
  EXPECT_EQ(s.template_options.max_chars_en, 160u);
  EXPECT_EQ(s.rate_limit.max_per_window, 5);
  EXPECT_EQ(s.rate_limit.window, core::duration{30min});
  EXPECT_EQ(s.rate_limit.red_memory, core::duration{12h});
  EXPECT_EQ(s.log_file, "/srv/campus/var/logs/text-messages.log");
}

// The fixed link prefix went stale whenever the server listened elsewhere: it is refused at
// its line, saying where links come from now and what to write instead.
TEST(sms_settings, the_old_dashboard_url_is_refused_naming_http_public_url) {
  auto errors =
      errors_of("sms:\n  gateway: log\n  dashboard_url: https://campus.example.cn/#alert=\n");
  ASSERT_EQ(errors.size(), 1u);
  expect_error(errors, 3, "sms.dashboard_url", "is no longer read");
  EXPECT_NE(errors[0].message.find("`public_url: https://campus.example.cn/` under http:"),
            std::string::npos)
      << errors[0].message;
  // Not taken for a typo of another key, and without a URL to move there is nothing to suggest.
  errors = errors_of("sms:\n  dashboard_url: \"\"\n");
  ASSERT_EQ(errors.size(), 1u);
  expect_error(errors, 2, "sms.dashboard_url", "http.public_url when set");
  EXPECT_EQ(errors[0].message.find("under http:"), std::string::npos) << errors[0].message;
}

TEST(sms_settings, log_file_resolves_against_data_dir) {
  EXPECT_EQ(load("sms: {log: {file: /var/log/campus/sms.log}}").log_file,
            "/var/log/campus/sms.log");
  EXPECT_EQ(load("sms: {log: {file: ../logs/sms.log}}").log_file, "/srv/campus/logs/sms.log");
  // A relative data_dir (a relative config path) still gives an absolute file.
  const auto relative = load("sms: {}", "run/var").log_file;
  EXPECT_TRUE(fs::path(relative).is_absolute()) << relative;
  EXPECT_EQ(fs::path(relative), (fs::current_path() / "run/var/sms.log").lexically_normal());
}

TEST(sms_settings, the_smstools_gateway) {
  auto s = load(R"(
sms:
  gateway: smstools
  smstools: {spool_dir: /var/spool/sms, poll_interval: 500ms, give_up_after: 1h, max_pending: 50}
)");
  EXPECT_EQ(s.gateway, gateway_kind::smstools);
  EXPECT_EQ(s.smstools.spool_dir, "/var/spool/sms");
  EXPECT_EQ(s.smstools.outgoing_dir, "");  // the gateway defaults it under spool_dir
  EXPECT_EQ(s.smstools.poll_interval, 500ms);
  EXPECT_EQ(s.smstools.give_up_after, core::duration{1h});
  EXPECT_EQ(s.smstools.max_pending, 50u);

  auto defaults = load("sms: {gateway: smstools}");
  EXPECT_EQ(defaults.smstools.spool_dir, "/var/spool/sms");
  EXPECT_EQ(defaults.smstools.poll_interval, 1s);
}

TEST(sms_settings, the_http_gateway_with_a_secret_from_the_environment) {
  ::setenv("CAMPUS_SMS_TEST_TOKEN", "Bearer s3cret", 1);
  auto s = load(R"(
sms:
  gateway: http
  http:
    url: http://127.0.0.1:9000/send
    body_template: '{"mobile":"{to_digits}","content":"{text}"}'
    content_type: application/json
    headers:
      - {name: Authorization, value_env: CAMPUS_SMS_TEST_TOKEN}
      - {name: X-Tenant, value: demo-district}
    timeout: 5s
    max_attempts: 4
    backoff: 2s
)");
  ::unsetenv("CAMPUS_SMS_TEST_TOKEN");
  EXPECT_EQ(s.gateway, gateway_kind::http);
  EXPECT_EQ(s.http.url, "http://127.0.0.1:9000/send");
  EXPECT_EQ(s.http.body_template, R"({"mobile":"{to_digits}","content":"{text}"})");
  EXPECT_EQ(s.http.content_type, "application/json");
  using header = std::pair<std::string, std::string>;
  EXPECT_EQ(s.http.headers, (std::vector<header>{{"Authorization", "Bearer s3cret"},
                                                 {"X-Tenant", "demo-district"}}));
  EXPECT_EQ(s.http.timeout, 5s);
  EXPECT_EQ(s.http.max_attempts, 4);
  EXPECT_EQ(s.http.backoff, 2s);
}

TEST(sms_settings, only_the_chosen_gateway_is_checked) {
  ::unsetenv("CAMPUS_SMS_TEST_UNSET");
  auto s = load(R"(
sms:
  gateway: log
  http: {url: https://provider.example.cn, headers: [{name: A, value_env: CAMPUS_SMS_TEST_UNSET}]}
  smstools: {spool_dir: /nowhere, pol_interval: 1s}
)");
  EXPECT_EQ(s.gateway, gateway_kind::log);
  EXPECT_TRUE(s.http.url.empty());
}

TEST(sms_settings, a_wrong_gateway_name_is_located) {
  expect_error(errors_of("district: {id: x}\nsms:\n  gateway: sms77\n"), 3, "sms.gateway",
               "must be log, smstools or http, got \"sms77\"");
}

TEST(sms_settings, an_unknown_key_is_located) {
  auto errors = errors_of("sms:\n  gateway: log\n  langauge: en\n");
  expect_error(errors, 3, "sms.langauge", "unknown setting");
  expect_error(errors_of("sms:\n  gateway: http\n  http:\n    url: http://h/\n    retries: 2\n"),
               5, "sms.http.retries", "unknown setting");
}

TEST(sms_settings, http_needs_a_url) {
  expect_error(errors_of("sms:\n  gateway: http\n  http:\n    timeout: 5s\n"), 4, "sms.http.url",
               "is required");
  expect_error(errors_of("sms:\n  gateway: http\n"), 2, "sms.http", "is required for gateway http");
}

TEST(sms_settings, https_is_refused_with_the_reason) {
  auto errors = errors_of("sms:\n  gateway: http\n  http:\n    url: https://sms.example.cn/v1\n");
  expect_error(errors, 4, "sms.http.url", "https is not supported yet");
  expect_error(errors, 4, "sms.http.url", "TLS proxy");
  expect_error(errors_of("sms:\n  gateway: http\n  http: {url: \"ftp://h/\"}\n"), 3,
               "sms.http.url", "must start with http://");
}

TEST(sms_settings, bad_durations_and_ranges_are_located) {
  auto errors = errors_of(R"(sms:
  rate_limit:
    max_per_window: 0
    window: 10 minutes
    red_memory: 0s
  max_chars: 10
  gateway: smstools
  smstools: {poll_interval: 2s, give_up_after: 1s}
)");
  expect_error(errors, 3, "sms.rate_limit.max_per_window", "must be 1..1000, got 0");
  expect_error(errors, 4, "sms.rate_limit.window", "must be a duration such as");
  expect_error(errors, 5, "sms.rate_limit.red_memory", "must be longer than 0");
  expect_error(errors, 6, "sms.max_chars", "must be 40..1000");
  expect_error(errors, 8, "sms.smstools.give_up_after", "longer than poll_interval");
  EXPECT_EQ(errors.size(), 5u);  // all at once, not only the first
}

TEST(sms_settings, an_unset_environment_variable_is_named) {
  ::unsetenv("CAMPUS_SMS_TEST_UNSET");
  auto errors = errors_of(R"(sms:
  gateway: http
  http:
    url: http://127.0.0.1:9000/send
    headers:
      - {name: Authorization, value_env: CAMPUS_SMS_TEST_UNSET}
      - {name: X-Both, value: a, value_env: B}
      - {name: Content-Length, value: "5"}
)");
  expect_error(errors, 6, "sms.http.headers[0].value_env",
               "environment variable CAMPUS_SMS_TEST_UNSET is not set");
  expect_error(errors, 7, "sms.http.headers[1]", "exactly one of `value` and `value_env`");
  expect_error(errors, 8, "sms.http.headers[2].name", "set by the gateway");
}

TEST(sms_settings, a_bad_language_and_body_template_are_located) {
  auto errors = errors_of(R"(sms:
  gateway: http
  language: fr
  http:
    url: http://127.0.0.1:9000/send
    body_template: '{"to":"{to}"}'
)");
  expect_error(errors, 3, "sms.language", "must be zh or en, got \"fr\"");
  expect_error(errors, 6, "sms.http.body_template", "must contain {text}");
}

TEST(sms_settings, a_yaml_syntax_error_is_located) {
  auto errors = errors_of("sms:\n  gateway: [log\n");
  ASSERT_FALSE(errors.empty());
  EXPECT_GT(errors.front().line, 0);
  EXPECT_NE(errors.front().message.find("YAML syntax"), std::string::npos);
}

TEST(sms_settings, open_gateway_log_writes_into_data_dir) {
  temp_dir dir;
  auto s = load("sms: {gateway: log, log: {file: sms/out.log}}", dir.path().string());
  delivery_log results;  // outlives the gateway, whose thread calls it
  auto gw = open_gateway(s);
  ASSERT_TRUE(gw.has_value()) << gw.error();
  EXPECT_EQ((*gw)->name(), "log");
  (*gw)->send({"A-000017#1", "+8613800000001", "【红色预警】测试"}, results.callback());
  EXPECT_EQ(results.wait_final("A-000017#1").back().status, delivery_status::sent);
  gw->reset();  // joins the thread: the line is flushed and closed
  std::ifstream in(dir.path() / "sms" / "out.log");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\tA-000017#1\t+8613800000001\t【红色预警】测试"), std::string::npos)
      << text.str();
}

TEST(sms_settings, open_gateway_smstools_drops_into_the_spool) {
  temp_dir spool;
  for (auto d : {"outgoing", "sent", "failed"}) fs::create_directories(spool.path() / d);
  auto s = load("sms:\n  gateway: smstools\n  smstools: {spool_dir: " + spool.path().string() +
                ", poll_interval: 50ms}\n");
  delivery_log results;  // outlives the gateway, whose thread calls it
  auto gw = open_gateway(s);
  ASSERT_TRUE(gw.has_value()) << gw.error();
  EXPECT_EQ((*gw)->name(), "smstools");
  (*gw)->send({"m1", "+8613800000001", "test"}, results.callback());
  results.wait_for("m1", delivery_status::queued);
  const auto all = results.snapshot();
  ASSERT_EQ(all.size(), 1u);
  // The queued result's detail is the spool file name.
  EXPECT_TRUE(fs::exists(spool.path() / "outgoing" / all.front().reason)) << all.front().reason;
}

TEST(sms_settings, open_gateway_names_a_missing_spool) {
  temp_dir dir;
  const auto spool = dir.path() / "no-spool";
  auto s = load("sms: {gateway: smstools, smstools: {spool_dir: " + spool.string() + "}}");
  auto gw = open_gateway(s);
  ASSERT_FALSE(gw.has_value());
  EXPECT_TRUE(gw.error().starts_with("sms gateway smstools: ")) << gw.error();
  EXPECT_NE(gw.error().find((spool / "outgoing").string()), std::string::npos) << gw.error();
  EXPECT_NE(gw.error().find("does not exist"), std::string::npos) << gw.error();
}

TEST(sms_settings, open_gateway_http_checks_nothing_on_the_network) {
  auto s = load("sms: {gateway: http, http: {url: \"http://127.0.0.1:9/send\"}}");
  auto gw = open_gateway(s);
  ASSERT_TRUE(gw.has_value()) << gw.error();
  EXPECT_EQ((*gw)->name(), "http");
}

}  // namespace
}  // namespace campus::notify::sms
