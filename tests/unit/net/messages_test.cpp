#include "net/messages.hpp"
#include "net/ledger_messages.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <cmath>

namespace campus::net {
namespace {

namespace json = boost::json;

rules::alert sample_alert() {
  rules::alert a;
  a.id = "gas_high/k1-gas#1";
  a.site = "s1";
  a.zone = "kitchen";
  a.device = "k1-gas";
  a.rule = "gas_high";
  a.rule_name = "燃气泄漏";
  a.rule_name_en = "Gas leak";
  a.metric = "lel_pct";
  a.severity = core::severity::orange;
  a.value = 12.5;
  a.threshold = 10.0;
  a.raised_at = core::from_epoch_ms(1763860000123);
  a.updated_at = core::from_epoch_ms(1763860005000);
  return a;
}

TEST(messages, alert_json_has_every_documented_field) {
  const auto j = messages::alert_json(sample_alert());
  for (const char* key : {"id", "site", "zone", "device", "rule", "rule_name", "rule_name_en",
                          "metric", "subject", "severity", "condition", "value", "threshold",
                          "raised_at", "updated_at", "cleared_at"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j.size(), 16u);
  EXPECT_EQ(j.at("severity"), "orange");
  EXPECT_EQ(j.at("condition"), "active");
  EXPECT_EQ(j.at("rule_name"), "燃气泄漏");
  EXPECT_DOUBLE_EQ(j.at("value").as_double(), 12.5);
  EXPECT_EQ(j.at("threshold").as_int64(), 10);
  EXPECT_EQ(j.at("raised_at").as_int64(), 1763860000123);
  EXPECT_EQ(j.at("updated_at").as_int64(), 1763860005000);
  EXPECT_TRUE(j.at("cleared_at").is_null());
}

TEST(messages, a_cleared_alert_with_a_state_value_has_no_threshold_and_a_cleared_time) {
  auto a = sample_alert();
  a.metric = "door";
  a.value = std::string("open");
  a.threshold.reset();
  a.cond = rules::condition::cleared;
  a.cleared_at = core::from_epoch_ms(1763860009000);
  const auto j = messages::alert_json(a);
  EXPECT_EQ(j.at("value"), "open");
  EXPECT_TRUE(j.at("threshold").is_null());
  EXPECT_EQ(j.at("condition"), "cleared");
  EXPECT_EQ(j.at("cleared_at").as_int64(), 1763860009000);
}

TEST(messages, numbers_stay_numbers_and_states_stay_strings) {
  EXPECT_TRUE(messages::value_json(3.2).is_double());
  EXPECT_EQ(messages::value_json(4.0).as_int64(), 4);  // serialises as "4", not "4E0"
  EXPECT_EQ(json::serialize(messages::value_json(-61.0)), "-61");
  EXPECT_EQ(messages::value_json(std::string("4")), "4");  // a state that looks like a number
  EXPECT_TRUE(messages::value_json(std::nan("")).is_null());
  EXPECT_TRUE(messages::value_json(INFINITY).is_null());
}

TEST(messages, reading_message_carries_the_reading) {
  core::reading r{"s1", "pond", "b1", "tag_dist_m", "tag-10234", 4.2, "m",
                  core::from_epoch_ms(1763860000123)};
  const auto j = json::parse(messages::reading_message(r)).as_object();
  EXPECT_EQ(j.at("type"), "reading");
  const auto& body = j.at("reading").as_object();
  EXPECT_EQ(body.at("site"), "s1");
  EXPECT_EQ(body.at("zone"), "pond");
  EXPECT_EQ(body.at("device"), "b1");
  EXPECT_EQ(body.at("metric"), "tag_dist_m");
  EXPECT_EQ(body.at("subject"), "tag-10234");
  EXPECT_DOUBLE_EQ(body.at("value").as_double(), 4.2);
  EXPECT_EQ(body.at("unit"), "m");
  EXPECT_EQ(body.at("ts").as_int64(), 1763860000123);
}

TEST(messages, alert_message_names_the_event) {
  rules::alert_event e{rules::alert_event::kind::updated, sample_alert()};
  const auto j = json::parse(messages::alert_message(e)).as_object();
  EXPECT_EQ(j.at("type"), "alert");
  EXPECT_EQ(j.at("event"), "updated");
  EXPECT_EQ(j.at("alert").at("id"), "gas_high/k1-gas#1");
}

TEST(messages, device_json_keys_values_as_live_state_does) {
  ingest::device_snapshot d;
  d.id = "b1";
  d.site = "s1";
  d.zone = "pond";
  d.family = "water_beacon";
  d.name = "池塘信标";
  d.name_en = "Pond beacon";
  d.status = "online";
  d.last_seen = core::from_epoch_ms(1763860000500);
  d.values["tag_dist_m/tag-1"] =
      ingest::last_value{"tag_dist_m", "tag-1", 4.5, "m", core::from_epoch_ms(1763860000123)};
  const auto j = messages::device_json(d);
  EXPECT_EQ(j.at("status"), "online");
  EXPECT_EQ(j.at("last_seen").as_int64(), 1763860000500);
  const auto& v = j.at("values").at("tag_dist_m/tag-1").as_object();
  EXPECT_EQ(v.at("metric"), "tag_dist_m");
  EXPECT_EQ(v.at("subject"), "tag-1");
  EXPECT_DOUBLE_EQ(v.at("value").as_double(), 4.5);
  EXPECT_EQ(v.at("unit"), "m");
  EXPECT_EQ(v.at("ts").as_int64(), 1763860000123);

  d.last_seen.reset();
  EXPECT_TRUE(messages::device_json(d).at("last_seen").is_null());
}

TEST(messages, snapshot_lists_district_sites_devices_and_active_alerts) {
  config::district district;
  district.id = "d1";
  district.name = "示范区";
  district.name_en = "Demo district";
  district.sites.push_back({"s1", "一中", "No. 1 School", "Asia/Shanghai",
                            {{"kitchen", "canteen_kitchen", "厨房", "Kitchen"}}});
  district.devices.push_back({"k1-gas", "s1", "kitchen", "gas_detector", "燃气", "Gas", {}});
  ingest::live_state state(district);
  state.apply(rules::alert_event{rules::alert_event::kind::raised, sample_alert()});

  const auto j = json::parse(messages::snapshot_message(state)).as_object();
  EXPECT_EQ(j.at("type"), "snapshot");
  EXPECT_EQ(j.at("district").at("name_en"), "Demo district");
  ASSERT_EQ(j.at("sites").as_array().size(), 1u);
  EXPECT_EQ(j.at("sites").at(0).at("zones").at(0).at("type"), "canteen_kitchen");
  EXPECT_EQ(j.at("sites").at(0).at("time_zone"), "Asia/Shanghai");
  ASSERT_EQ(j.at("devices").as_array().size(), 1u);
  EXPECT_EQ(j.at("devices").at(0).at("status"), "unknown");
  ASSERT_EQ(j.at("alerts").as_array().size(), 1u);
  EXPECT_EQ(j.at("alerts").at(0).at("id"), "gas_high/k1-gas#1");
}

config::district two_school_district() {
  config::district district;
  district.id = "d1";
  district.name = "示范区";
  district.name_en = "Demo district";
  district.sites.push_back({"s1", "一中", "No. 1 School", "Asia/Shanghai",
                            {{"kitchen", "canteen_kitchen", "厨房", "Kitchen"}}});
  district.sites.push_back({"s2", "二小", "No. 2 School", "Asia/Shanghai",
                            {{"kitchen", "canteen_kitchen", "厨房", "Kitchen"}}});
  district.devices.push_back({"k1-gas", "s1", "kitchen", "gas_detector", "燃气", "Gas", {}});
  district.devices.push_back({"k2-gas", "s2", "kitchen", "gas_detector", "燃气", "Gas", {}});
  district.devices.push_back({"k2-co", "s2", "kitchen", "gas_detector", "一氧化碳", "CO", {}});
  return district;
}

TEST(messages, school_json_has_every_documented_field) {
  bureau::school_tally t;
  t.site = "s1";
  t.worst = core::severity::orange;
  t.devices_total = 14;
  t.devices_online = 12;
  t.devices_offline = 2;
  t.devices_alerting = 1;
  t.open = 3;
  t.overdue = 1;
  t.reports_overdue = 0;
  t.last_event = core::from_epoch_ms(1763860000123);
  const auto j = json::parse(messages::school_message(t)).as_object();
  EXPECT_EQ(j.at("type"), "school");
  const auto& s = j.at("school").as_object();
  EXPECT_EQ(s.size(), 11u);
  EXPECT_EQ(s.at("site"), "s1");
  EXPECT_EQ(s.at("worst"), "orange");
  EXPECT_EQ(s.at("devices_total"), 14);
  EXPECT_EQ(s.at("devices_online"), 12);
  EXPECT_EQ(s.at("devices_offline"), 2);
  EXPECT_EQ(s.at("devices_alerting"), 1);
  EXPECT_EQ(s.at("open"), 3);
  EXPECT_EQ(s.at("overdue"), 1);
  EXPECT_EQ(s.at("reports_overdue"), 0);
  EXPECT_EQ(s.at("last_event"), 1763860000123);
  EXPECT_EQ(s.at("problem"), true);

  bureau::school_tally calm;
  calm.site = "s2";
  const auto c = messages::school_json(calm);
  EXPECT_TRUE(c.at("worst").is_null());
  EXPECT_TRUE(c.at("last_event").is_null());
  EXPECT_EQ(c.at("problem"), false);
}

TEST(messages, a_snapshot_for_a_watch_set_holds_only_those_devices_and_the_visible_schools) {
  const auto district = two_school_district();
  ingest::live_state state(district);
  auth::principal who;
  who.user = "s2-leader";
  who.sites = {"s2"};
  const std::vector<std::string> watched{"s2"};
  std::vector<bureau::school_tally> tallies(2);
  tallies[0].site = "s1";
  tallies[1].site = "s2";
  tallies[1].devices_total = 2;

  const auto j =
      json::parse(messages::snapshot_message(state, messages::snapshot_scope{&who, &watched, &tallies}))
          .as_object();
  EXPECT_EQ(j.at("watching"), json::parse(R"(["s2"])"));
  ASSERT_EQ(j.at("devices").as_array().size(), 2u);
  EXPECT_EQ(j.at("devices").at(0).at("id"), "k2-gas");
  ASSERT_EQ(j.at("schools").as_array().size(), 1u);  // s1 is not theirs
  EXPECT_EQ(j.at("schools").at(0).at("devices_total"), 2);
  ASSERT_EQ(j.at("sites").as_array().size(), 1u);

  // A bureau user of a large district: sites and schools, no device.
  auth::principal bureau_user;
  bureau_user.all_sites = true;
  const std::vector<std::string> none;
  const auto b = json::parse(messages::snapshot_message(
                                 state, messages::snapshot_scope{&bureau_user, &none, &tallies}))
                     .as_object();
  EXPECT_TRUE(b.at("watching").as_array().empty());
  EXPECT_TRUE(b.at("devices").as_array().empty());
  EXPECT_EQ(b.at("schools").as_array().size(), 2u);
  EXPECT_EQ(b.at("sites").as_array().size(), 2u);

  // Without a scope: every school watched, no tallies.
  const auto all = json::parse(messages::snapshot_message(state)).as_object();
  EXPECT_EQ(all.at("watching"), json::parse(R"(["s1","s2"])"));
  EXPECT_EQ(all.at("devices").as_array().size(), 3u);
  EXPECT_TRUE(all.at("schools").as_array().empty());
}

TEST(messages, a_watching_message_lists_the_schools_and_their_devices) {
  const auto district = two_school_district();
  ingest::live_state state(district);
  const auto j = json::parse(messages::watching_message(state, {"s1"})).as_object();
  EXPECT_EQ(j.at("type"), "watching");
  EXPECT_EQ(j.at("sites"), json::parse(R"(["s1"])"));
  ASSERT_EQ(j.at("devices").as_array().size(), 1u);
  EXPECT_EQ(j.at("devices").at(0).at("id"), "k1-gas");
  const auto none = json::parse(messages::watching_message(state, {})).as_object();
  EXPECT_TRUE(none.at("sites").as_array().empty());
  EXPECT_TRUE(none.at("devices").as_array().empty());
}

TEST(entry_json, carries_the_peak_colour_and_value_beside_the_current_ones) {
  incident::entry_view v;
  auto& e = v.entry;
  e.id = 17;
  e.severity = core::severity::yellow;
  e.max_severity = core::severity::red;
  e.value = 15.0;
  e.raised_value = 12.0;
  e.peak_value = 30.0;
  const json::object j = messages::entry_json(v);
  EXPECT_EQ(j.at("severity"), "yellow");
  EXPECT_EQ(j.at("max_severity"), "red");
  EXPECT_EQ(j.at("value").to_number<double>(), 15.0);
  EXPECT_EQ(j.at("raised_value").to_number<double>(), 12.0);
  EXPECT_EQ(j.at("peak_value").to_number<double>(), 30.0);

  e.kind = alerts::entry_kind::manual;  // a manual hazard has neither
  e.raised_value.reset();
  e.peak_value.reset();
  const json::object m = messages::entry_json(v);
  EXPECT_TRUE(m.at("raised_value").is_null());
  EXPECT_TRUE(m.at("peak_value").is_null());
}

}  // namespace
}  // namespace campus::net
