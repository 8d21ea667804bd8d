#include <gtest/gtest.h>

#include <fmt/format.h>

#include <tuple>

#include "bureau/figures_json.hpp"
#include "bureau/report_csv.hpp"
#include "bureau_fixture.hpp"

namespace campus::bureau {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

TEST(report_output, json_has_every_section_and_csv_is_excel_ready) {
  const auto d = testing::small_district();
  const auto october = std::chrono::year{2026} / 10;
  const span m = month_span(october, "Asia/Shanghai");
  alerts::ledger_entry e;
  e.id = 12;
  e.kind = alerts::entry_kind::manual;
  e.site = "a";
  e.title = "=HYPERLINK(\"x\"), 后门\n未锁";  // a formula, a comma, quotes and a line break
  e.max_severity = core::severity::orange;
  e.raised_at = m.from + 1h;
  std::vector<alerts::ledger_entry> entries{e};
  std::map<std::int64_t, std::vector<alerts::ledger_transition>> transitions;
  transitions[12].push_back({1, 12, e.raised_at, "x", alerts::transition_kind::registered, "", "orange", ""});
  // Two sensor alerts, closed: a red gas alarm and a yellow one of a family nobody knows.
  for (auto [id, family, colour] : {std::tuple{13, "gas_detector", core::severity::red},
                                    std::tuple{14, "", core::severity::yellow}}) {
    alerts::ledger_entry s;
    s.id = id;
    s.kind = alerts::entry_kind::sensor;
    s.site = "a";
    s.family = family;
    s.rule_name = "规则";
    s.max_severity = colour;
    s.raised_at = m.from + 2h;
    s.closed_at = m.from + 3h;
    entries.push_back(s);
    transitions[id].push_back({2, id, s.raised_at, "x", alerts::transition_kind::raised, "",
                               std::string(core::to_string(colour)), ""});
  }
  hourly_activity activity;
  activity["a-gas-1"][m.from] = 4;
  const auto policy = notify::duty::escalation_policy::seed_default();
  report_sources in{entries, transitions, activity, policy, m.to + 24h};
  std::vector<const config::site*> sites{&d.sites[0]};
  auto r = build_monthly_report(d, october, sites, false, in);
  ASSERT_TRUE(r);

  auto j = to_json(*r);
  EXPECT_EQ(j.at("month").as_string(), "2026-10");
  EXPECT_EQ(j.at("scope").as_string(), "school");
  EXPECT_EQ(j.at("site").as_string(), "a");
  EXPECT_TRUE(j.at("acknowledge").at("median_s").is_null());
  EXPECT_EQ(j.at("hazards_registered").at("orange").as_int64(), 1);
  EXPECT_EQ(j.at("report_deadline").at("missing").as_int64(), 2);  // the hazard and the red gas
  const auto& by_family = j.at("alerts").at("by_family");
  EXPECT_EQ(by_family.at("gas_detector"),
            (json::object{{"blue", 0}, {"yellow", 0}, {"orange", 0}, {"red", 1}, {"total", 1}}));
  EXPECT_EQ(by_family.at("unknown").at("yellow").as_int64(), 1);
  EXPECT_EQ(j.at("alerts").at("by_severity"),
            (json::object{{"blue", 0}, {"yellow", 1}, {"orange", 0}, {"red", 1}, {"total", 2}}));
  EXPECT_EQ(j.at("hazards").at("carried_over").at("count").as_uint64(), 1u);
  EXPECT_EQ(j.at("hazards").at("carried_over").at("entries").at(0).at("display_id").as_string(),
            "A-000012");
  EXPECT_EQ(j.at("readings_stored").as_int64(), 4);
  EXPECT_EQ(j.at("devices").as_array().size(), 3u);

  const std::string csv = report_csv(*r, d);
  EXPECT_TRUE(csv.starts_with("\xEF\xBB\xBF安全月报表\r\n"));
  // The title is quoted (comma, quotes doubled, line break kept) and defused as a formula.
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"x\"\"), 后门\n未锁\",橙色,2026-10-01 01:00,,"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("存储读数合计,4\r\n"), std::string::npos);
  // The alerts' cross table: a row per family (name, code, colours, total), then the totals.
  EXPECT_NE(csv.find("设备类型,类型代码,蓝色,黄色,橙色,红色,合计\r\n"
                     "unknown,unknown,0,1,0,0,1\r\n"
                     "燃气探测器,gas_detector,0,0,0,1,1\r\n"
                     "合计,,0,1,0,1,2\r\n"),
            std::string::npos)
      << csv;
  EXPECT_EQ(report_csv_filename(*r, true), "safety-report_2026-10_a.csv");
}

TEST(report_output, a_district_report_lists_the_worst_devices_and_counts_them_all) {
  monthly_report r;
  r.month = std::chrono::year{2026} / 10;
  r.district = true;
  // 25 devices: availability 100, 99, … 76 %; one never measured (no hours yet) and two tied
  // at the lowest, told apart by their readings.
  for (int i = 0; i < 25; ++i) {
    device_availability a;
    a.device = fmt::format("dev-{:02}", i);
    a.site = "a";
    a.hours = 100;
    a.hours_heard = 100 - i;
    a.availability = 100.0 - i;
    a.readings = 1000 + i;
    r.figures.devices.push_back(a);
  }
  r.figures.devices[3].availability = 76.0;  // tied with dev-24, fewer readings: worse
  r.figures.devices[5].availability.reset();  // nothing measured: after every measured one
  r.figures.devices[5].hours = 0;
  auto j = to_json(r);
  EXPECT_EQ(j.at("device_count").as_uint64(), 25u);
  EXPECT_TRUE(j.at("devices_truncated").as_bool());
  const auto& listed = j.at("devices").as_array();
  ASSERT_EQ(listed.size(), district_devices_listed);
  EXPECT_EQ(listed[0].at("device").as_string(), "dev-03");
  EXPECT_EQ(listed[1].at("device").as_string(), "dev-24");
  EXPECT_EQ(listed[2].at("device").as_string(), "dev-23");
  for (const auto& d : listed) EXPECT_NE(d.at("device").as_string(), "dev-05");

  // A school's report keeps every device.
  r.district = false;
  auto school = to_json(r);
  EXPECT_EQ(school.at("devices").as_array().size(), 25u);
  EXPECT_FALSE(school.at("devices_truncated").as_bool());
}

TEST(report_output, compliance_json_names_points_and_nulls_what_is_missing) {
  const auto d = testing::small_district();
  std::vector<const config::site*> sites{&d.sites[0]};
  auto f = compliance_plan(d).assess(sites, {}, core::from_epoch_ms(0) + 1000h);
  auto j = to_json(f);
  EXPECT_EQ(j.at("target").as_double(), 90.0);
  EXPECT_EQ(j.at("reporting_window_s").as_int64(), 600);
  const auto& school = j.at("schools").at(0);
  EXPECT_EQ(school.at("rate").as_double(), 0.0);
  EXPECT_TRUE(school.at("below_target").as_bool());
  const auto& camera = school.at("points").at(2);
  EXPECT_EQ(camera.at("status").as_string(), "not_installed");
  EXPECT_TRUE(camera.at("device").is_null());
  EXPECT_TRUE(j.at("district").at("rate").is_double());
}

}  // namespace
}  // namespace campus::bureau
