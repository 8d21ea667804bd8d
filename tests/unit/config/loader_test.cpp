#include "config/loader.hpp"

#include <gtest/gtest.h>

#include "minimal_district.hpp"

#include <set>

namespace campus::config {
namespace {

using test::minimal_district;
using test::with;


TEST(config_loader, sample_district_loads_with_every_family_and_zone_type) {
  auto d = load_file(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  ASSERT_TRUE(d) << (d ? "" : d.error().front().to_string());
  EXPECT_EQ(d->sites.size(), 3u);
  EXPECT_GE(d->devices.size(), 36u);
  std::set<std::string> families;
  for (const auto& dev : d->devices) families.insert(dev.family);
  EXPECT_EQ(families, (std::set<std::string>{"alarm_input", "gas_detector", "hazmat_cabinet",
                                             "json_map", "kitchen_camera", "water_beacon"}));
  for (const auto& s : d->sites) {
    EXPECT_EQ(s.time_zone, "Asia/Shanghai");
    std::set<std::string> types;
    for (const auto& z : s.zones) types.insert(z.type);
    for (const char* needed : {"canteen_kitchen", "chemical_store", "lab", "water_zone", "gate"})
      EXPECT_TRUE(types.contains(needed)) << s.id << " lacks " << needed;
  }
  // The gas-leak rule rises yellow → red.
  const rules::rule_def* gas = nullptr;
  for (const auto& r : d->rules)
    if (r.id == "gas-leak") gas = &r;
  ASSERT_NE(gas, nullptr);
  ASSERT_EQ(gas->levels.size(), 2u);
  EXPECT_EQ(gas->levels[1].severity, core::severity::red);
  EXPECT_EQ(gas->levels[1].threshold, 25);
  EXPECT_EQ(gas->clear_after, std::chrono::seconds{30});  // a clear must hold half a minute
  // The dashboards folder is found relative to the configuration file.
  EXPECT_TRUE(d->http.dashboards_dir.ends_with("dashboards")) << d->http.dashboards_dir;
}

TEST(config_loader, finds_every_site_and_device_by_id_and_stays_right_when_the_lists_change) {
  auto d = load_file(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  ASSERT_TRUE(d) << (d ? "" : d.error().front().to_string());
  for (const auto& s : d->sites) EXPECT_EQ(d->find_site(s.id), &s) << s.id;
  for (const auto& dev : d->devices) EXPECT_EQ(d->find_device(dev.id), &dev) << dev.id;
  EXPECT_EQ(d->find_device("no-such-device"), nullptr);
  EXPECT_EQ(d->find_site("no-such-site"), nullptr);

  // A copy finds its own elements, not the original's.
  const district copy = *d;
  EXPECT_EQ(copy.find_device(copy.devices.back().id), &copy.devices.back());

  // Changed in code after loading (as tests and the simulator do): the index no longer
  // matches, and the lookups still answer from the lists.
  d->devices.erase(d->devices.begin());
  d->devices.push_back(d->devices.front());
  d->devices.back().id = "added-later";
  EXPECT_EQ(d->find_device("added-later"), &d->devices.back());
  EXPECT_EQ(d->find_device(d->devices.front().id), &d->devices.front());
  d->sites.front().id = "renamed";
  EXPECT_EQ(d->find_site("renamed"), &d->sites.front());
}

TEST(config_loader, minimal_file_gets_defaults) {
  auto d = load_string(minimal_district, "min.yaml");
  ASSERT_TRUE(d) << d.error().front().to_string();
  EXPECT_EQ(d->mqtt.qos, 1);
  EXPECT_FALSE(d->mqtt.clean_session);
  EXPECT_EQ(d->mqtt.subscription, "campus/#");
  EXPECT_EQ(d->devices[0].site, "s1");
  EXPECT_EQ(d->devices[0].name, "gas-1");
}

struct bad_case {
  const char* name;
  std::string yaml;
  int line;              // expected line of the (first) error
  const char* setting;   // expected setting path
  const char* words;     // expected words in the message
};

void PrintTo(const bad_case& c, std::ostream* os) { *os << c.name; }


class config_errors : public testing::TestWithParam<bad_case> {};

TEST_P(config_errors, names_file_line_setting_and_value) {
  const bad_case& c = GetParam();
  auto d = load_string(c.yaml, "bad.yaml");
  ASSERT_FALSE(d) << c.name << " was accepted";
  bool found = false;
  for (const auto& e : d.error()) {
    if (e.setting == c.setting && e.line == c.line &&
        e.message.find(c.words) != std::string::npos) {
      found = true;
      EXPECT_EQ(e.file, "bad.yaml");
      EXPECT_TRUE(e.to_string().starts_with("bad.yaml:" + std::to_string(c.line) + ": "));
    }
  }
  std::string all;
  for (const auto& e : d.error()) all += e.to_string() + "\n";
  EXPECT_TRUE(found) << c.name << ": expected line " << c.line << " " << c.setting << " \""
                     << c.words << "\", got:\n"
                     << all;
}

INSTANTIATE_TEST_SUITE_P(
    cases, config_errors,
    testing::Values(
        bad_case{"unknown_family",
                 with("      - {id: x-1, family: gas_detectr, zone: kitchen}\n"), 9,
                 "sites[0].devices[1].family", "unknown device family \"gas_detectr\""},
        bad_case{"unknown_zone", with("      - {id: x-1, family: gas_detector, zone: lab}\n"), 9,
                 "sites[0].devices[1].zone", "no zone \"lab\""},
        bad_case{"duplicate_device",
                 with("      - {id: gas-1, family: gas_detector, zone: kitchen}\n"), 9,
                 "sites[0].devices[1].id", "duplicate device id \"gas-1\" (first at line 8)"},
        bad_case{"bad_zone_type",
                 "district: {id: d, name: n}\nsites:\n  - id: s1\n    name: x\n    zones:\n"
                 "      - {id: k, type: kitchn, name: k}\n",
                 6, "sites[0].zones[0].type", "unknown zone type \"kitchn\""},
        bad_case{"bad_time_zone",
                 "district: {id: d, name: n}\nsites:\n  - id: s1\n    name: x\n"
                 "    time_zone: Mars/Olympus\n    zones:\n      - {id: k, type: gate, name: k}\n",
                 5, "sites[0].time_zone", "unknown time zone \"Mars/Olympus\""},
        bad_case{"qos", with("mqtt:\n  qos: 3\n"), 10, "mqtt.qos",
                 "qos value must be 0, 1, or 2: 3"},
        bad_case{"port", with("mqtt:\n  port: 70000\n"), 10, "mqtt.port", "must be 1..65535"},
        bad_case{"typo_in_rule",
                 with("rules:\n  - {id: r, name: n, kind: threshold, metric: lel_pct, op: above,"
                      " levels: [{severity: red, thresold: 3}]}\n"),
                 10, "rules[0].levels[0].thresold", "unknown setting"},
        bad_case{"bad_severity",
                 with("rules:\n  - {id: r, name: n, kind: absence, period: 5m, severity: purple}\n"),
                 10, "rules[0].severity", "must be blue, yellow, orange or red, got \"purple\""},
        bad_case{"bad_duration",
                 with("rules:\n  - {id: r, name: n, kind: absence, period: 5 minutes, severity: red}\n"),
                 10, "rules[0].period", "must be a duration"},
        bad_case{"hysteresis_wrong_side",
                 with("rules:\n  - {id: r, name: n, kind: threshold, metric: lel_pct, op: above,"
                      " levels: [{severity: red, threshold: 10, clear: 12}]}\n"),
                 10, "rules[0].levels[0].clear", "must not be above the threshold"},
        bad_case{"levels_out_of_order",
                 with("rules:\n  - id: r\n    name: n\n    kind: threshold\n    metric: m\n"
                      "    op: above\n    levels:\n      - {severity: red, threshold: 5}\n"
                      "      - {severity: yellow, threshold: 9}\n"),
                 17, "rules[0].levels[1].severity", "ordered from least to most severe"},
        bad_case{"clear_after_not_a_duration",
                 with("rules:\n  - {id: r, name: n, kind: threshold, metric: m, op: above,"
                      " clear_after: soon, levels: [{severity: red, threshold: 5}]}\n"),
                 10, "rules[0].clear_after", "must be a duration"},
        bad_case{"clear_after_too_long",
                 with("rules:\n  - id: r\n    name: n\n    kind: dwell\n    distance_m: 3\n"
                      "    dwell: 30s\n    severity: red\n    clear_after: 2h\n"),
                 16, "rules[0].clear_after", "must be at most 1h"},
        bad_case{"clear_after_on_event_count",
                 with("rules:\n  - {id: r, name: n, kind: event_count, event: no_hat, count: 3,"
                      " window: 10m, clear_after: 30s}\n"),
                 10, "rules[0].clear_after", "an event_count rule clears after `quiet`"},
        bad_case{"bad_window_time",
                 with("rules:\n  - {id: r, name: n, kind: absence, period: 5m, severity: red,"
                      " windows: [{from: \"25:00\"}]}\n"),
                 10, "rules[0].windows[0].from", "must be a time of day HH:MM"},
        bad_case{"bad_weekday",
                 with("rules:\n  - id: r\n    name: n\n    kind: absence\n    period: 5m\n"
                      "    severity: red\n    windows:\n      - days: [1, 8]\n"),
                 16, "rules[0].windows[0].days[1]", "ISO weekday"},
        bad_case{"match_unknown_device",
                 with("rules:\n  - id: r\n    name: n\n    kind: absence\n    period: 5m\n"
                      "    severity: red\n    match: {devices: [nope]}\n"),
                 15, "rules[0].match.devices", "no device \"nope\""},
        bad_case{"json_map_options",
                 with("      - {id: v-1, family: json_map, zone: kitchen, options: {fields: []}}\n"),
                 9, "sites[0].devices[1].options", "fields"},
        bad_case{"history_backend", with("history: {backend: mongodb}\n"), 9, "history.backend",
                 "must be sqlite or influxdb"},
        bad_case{"influx_url", with("history:\n  influxdb: {url: \"https://db:8086\"}\n"), 10,
                 "history.influxdb.url", "must be http://HOST:PORT"},
        bad_case{"history_high_water", with("history: {queue_high_water: 10}\n"), 9,
                 "history.queue_high_water", "must be 100..100000000 readings, got 10"},
        bad_case{"history_low_water",
                 with("history: {queue_high_water: 1000, queue_low_water: 1000}\n"), 9,
                 "history.queue_low_water", "must be 0..queue_high_water - 1 (999), got 1000"},
        bad_case{"public_url_not_http", with("http:\n  public_url: campus.example.cn\n"), 10,
                 "http.public_url", "must be an absolute http:// or https:// URL"},
        bad_case{"public_url_relative", with("http:\n  public_url: /campus/\n"), 10,
                 "http.public_url", "(the dashboard as phones reach it), got \"/campus/\""},
        bad_case{"public_url_fragment",
                 with("http:\n  public_url: \"http://localhost:8080/#alert=\"\n"), 10,
                 "http.public_url", "must not have a fragment"},
        bad_case{"public_url_password",
                 with("http:\n  public_url: \"https://duty:secret@campus.example.cn/\"\n"), 10,
                 "http.public_url", "must not hold a user name or password"},
        bad_case{"public_url_port", with("http:\n  public_url: \"http://campus.example.cn:0/\"\n"),
                 10, "http.public_url", "has a port that is not 1..65535"},
        bad_case{"public_url_empty_port", with("http:\n  public_url: \"http://[::1]:/\"\n"), 10,
                 "http.public_url", "has a port that is not 1..65535"},
        bad_case{"public_url_no_host", with("http:\n  public_url: \"https://:8443/\"\n"), 10,
                 "http.public_url", "has no host"},
        bad_case{"public_url_space",
                 with("http:\n  public_url: \"https://campus.example.cn/值班 室\"\n"), 10,
                 "http.public_url", "must be printable ASCII"},
        bad_case{"public_url_typo", with("http:\n  public_ulr: https://campus.example.cn/\n"), 10,
                 "http.public_ulr", "did you mean `public_url`?"},
        bad_case{"yaml_syntax", "district: {id: d, name: n}\nsites: [\n  - x: [1,\n", 3, "",
                 "YAML syntax"}),
    [](const testing::TestParamInfo<bad_case>& info) { return std::string(info.param.name); });

// http.public_url: where SMS links point when the dashboard is reached elsewhere than where
// the server listens. Absent (or empty) links follow the address served.
TEST(config_loader, public_url_is_kept_with_a_path_and_empty_means_the_address_served) {
  const auto url_of = [](const std::string& value) {
    auto d = load_string(with("http:\n  public_url: \"" + value + "\"\n"), "u.yaml");
    EXPECT_TRUE(d) << value << ": " << (d ? "" : d.error().front().to_string());
    return d ? d->http.public_url : std::string("<refused>");
  };
  EXPECT_EQ(url_of("https://campus.example.cn/"), "https://campus.example.cn/");
  EXPECT_EQ(url_of("https://campus.example.cn"), "https://campus.example.cn/");
  EXPECT_EQ(url_of("http://192.0.2.7:8080"), "http://192.0.2.7:8080/");
  EXPECT_EQ(url_of("https://example.cn/campus/"), "https://example.cn/campus/");
  EXPECT_EQ(url_of("https://example.cn?school=xh"), "https://example.cn/?school=xh");
  EXPECT_EQ(url_of("https://[2001:db8::5]:8443"), "https://[2001:db8::5]:8443/");
  EXPECT_EQ(url_of(""), "");
  auto d = load_string(minimal_district, "min.yaml");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->http.public_url, "");
  // The sample names none: the demo's links follow its port (PORT=9090 scripts/demo).
  auto sample = load_file(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  ASSERT_TRUE(sample) << (sample ? "" : sample.error().front().to_string());
  EXPECT_EQ(sample->http.public_url, "");
}

TEST(config_loader, clear_after_defaults_for_threshold_and_dwell_rules_and_may_be_zero) {
  auto d = load_string(
      with("rules:\n"
           "  - {id: a, name: n, kind: threshold, metric: m, op: above,"
           " levels: [{severity: red, threshold: 5}]}\n"
           "  - {id: b, name: n, kind: threshold, metric: m, op: above, clear_after: 0s,"
           " levels: [{severity: red, threshold: 5}]}\n"
           "  - {id: c, name: n, kind: dwell, distance_m: 3, dwell: 30s, severity: red,"
           " clear_after: 90s}\n"
           "  - {id: e, name: n, kind: absence, period: 5m, severity: red}\n"),
      "c.yaml");
  ASSERT_TRUE(d) << d.error().front().to_string();
  ASSERT_EQ(d->rules.size(), 4u);
  EXPECT_EQ(d->rules[0].clear_after, rules::default_clear_after);
  EXPECT_EQ(d->rules[1].clear_after, core::duration::zero());
  EXPECT_EQ(d->rules[2].clear_after, std::chrono::seconds{90});
  EXPECT_EQ(d->rules[3].clear_after, core::duration::zero());  // absence: not debounced
}

TEST(config_loader, history_defaults_live_in_the_data_dir) {
  auto d = load_string(with("history:\n  backend: influxdb\n  influxdb: {batch_size: 100}\n"),
                       "h.yaml");
  ASSERT_TRUE(d) << d.error().front().to_string();
  EXPECT_EQ(d->history.backend, history_settings::backend_kind::influxdb);
  EXPECT_EQ(d->history.influxdb.batch_size, 100u);
  EXPECT_EQ(d->history.influxdb.url, "http://127.0.0.1:8086");
  EXPECT_TRUE(d->spool_path().ends_with("var/spool")) << d->spool_path();
  EXPECT_TRUE(d->history_db_path().ends_with("var/history.db")) << d->history_db_path();
  d->data_dir = "/srv/campus";
  EXPECT_EQ(d->history_db_path(), "/srv/campus/history.db");
}

TEST(config_loader, history_marks_default_and_the_low_one_follows_the_high_one) {
  auto d = load_string(with(""), "m.yaml");
  ASSERT_TRUE(d) << d.error().front().to_string();
  EXPECT_EQ(d->history.queue_high_water, 100'000u);
  EXPECT_EQ(d->history.queue_low_water, 50'000u);
  d = load_string(with("history: {queue_high_water: 3000}\n"), "m.yaml");
  ASSERT_TRUE(d) << d.error().front().to_string();
  EXPECT_EQ(d->history.queue_high_water, 3'000u);
  EXPECT_EQ(d->history.queue_low_water, 1'500u);
  d = load_string(with("history: {queue_high_water: 3000, queue_low_water: 0}\n"), "m.yaml");
  ASSERT_TRUE(d) << d.error().front().to_string();
  EXPECT_EQ(d->history.queue_low_water, 0u);
}

TEST(config_loader, reports_every_error_not_just_the_first) {
  auto d = load_string(with("      - {id: x-1, family: nope, zone: kitchen}\n"
                            "      - {id: x-2, family: gas_detector, zone: nowhere}\n"
                            "mqtt: {qos: 9}\n"),
                       "many.yaml");
  ASSERT_FALSE(d);
  EXPECT_GE(d.error().size(), 3u);
}

TEST(config_loader, missing_file_is_an_error_naming_it) {
  auto d = load_file("/nonexistent/district.yaml");
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().front().file, "/nonexistent/district.yaml");
}

}  // namespace
}  // namespace campus::config
