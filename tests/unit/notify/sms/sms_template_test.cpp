#include "notify/sms/sms_template.hpp"

#include <date/date.h>
#include <gtest/gtest.h>

namespace campus::notify::sms {
namespace {

using namespace std::chrono_literals;

core::time_point utc(int h, int m) {
  using namespace date;
  return std::chrono::time_point_cast<core::duration>(
      sys_days{2025_y / 11 / 23} + std::chrono::hours{h} + std::chrono::minutes{m});
}

alert_facts gas_alert() {
  alert_facts f;
  f.ledger_id = "A-17";
  f.school = "阳光小学";
  f.school_en = "Sunshine Primary";
  f.zone = "食堂后厨";
  f.zone_en = "Kitchen";
  f.device = "燃气探测器1";
  f.device_en = "Gas detector 1";
  f.what = "燃气浓度超标";
  f.what_en = "Gas above limit";
  f.value = 25.0;
  f.unit = "%LEL";
  f.threshold = 20.0;
  f.severity = core::severity::red;
  f.at = utc(6, 5);  // 14:05 in Shanghai
  return f;
}

sms_template_options with_link() {
  sms_template_options o;
  o.dashboard = "https://campus.example.cn/";
  return o;
}

TEST(sms_template, chinese_names_everything_in_site_time) {
  sms_template t(with_link());
  EXPECT_EQ(t.render(gas_alert(), sms_language::zh),
            "【红色预警】阳光小学 食堂后厨 燃气探测器1：燃气浓度超标 25%LEL（阈值 20%LEL），14:05。"
            "请登录 https://campus.example.cn/#alert=A-17 确认。编号 A-17");
}

TEST(sms_template, english_uses_english_names) {
  sms_template t(with_link());
  EXPECT_EQ(t.render(gas_alert(), sms_language::en),
            "[RED ALERT] Sunshine Primary, Kitchen, Gas detector 1: Gas above limit 25%LEL "
            "(threshold 20%LEL) at 14:05. Open https://campus.example.cn/#alert=A-17 to acknowledge. "
            "Ref A-17");
}

TEST(sms_template, english_falls_back_to_chinese_names_when_missing) {
  auto f = gas_alert();
  f.zone_en.clear();
  auto text = sms_template{}.render(f, sms_language::en);
  EXPECT_NE(text.find("Sunshine Primary, 食堂后厨, Gas detector 1"), std::string::npos) << text;
  EXPECT_NE(text.find("Log in to the platform to acknowledge."), std::string::npos) << text;
}

TEST(sms_template, every_colour_word) {
  auto f = gas_alert();
  std::pair<core::severity, std::string> cases[] = {{core::severity::blue, "【蓝色预警】"},
                                                    {core::severity::yellow, "【黄色预警】"},
                                                    {core::severity::orange, "【橙色预警】"},
                                                    {core::severity::red, "【红色预警】"}};
  for (const auto& [s, word] : cases) {
    f.severity = s;
    EXPECT_TRUE(sms_template{}.render(f, sms_language::zh).starts_with(word)) << word;
  }
}

TEST(sms_template, reply_acknowledgement_and_state_values) {
  auto f = gas_alert();
  f.value = std::string("open");
  f.unit.clear();
  f.threshold.reset();
  sms_template_options o;
  o.reply_to_acknowledge = true;
  auto text = sms_template(o).render(f, sms_language::zh);
  EXPECT_NE(text.find("燃气浓度超标 open，14:05。请回复编号确认。编号 A-17"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("阈值"), std::string::npos);
}

TEST(sms_template, numbers_lose_trailing_zeros_and_units_space_when_words) {
  auto f = gas_alert();
  f.value = 12.5;
  f.unit = "ppm";
  f.threshold = 10.0;
  auto text = sms_template{}.render(f, sms_language::zh);
  EXPECT_NE(text.find("12.5 ppm（阈值 10 ppm）"), std::string::npos) << text;
}

TEST(sms_template, cleared_needs_no_acknowledgement) {
  auto f = gas_alert();
  f.cleared = true;
  f.value = 3.0;
  auto text = sms_template(with_link()).render(f, sms_language::zh);
  EXPECT_EQ(
      text,
      "【红色预警解除】阳光小学 食堂后厨 燃气探测器1：燃气浓度超标 已恢复 3%LEL，14:05。编号 A-17");
}

TEST(sms_template, cleared_but_unacknowledged_still_asks_for_an_acknowledgement) {
  auto f = gas_alert();
  f.cleared = true;
  f.unacknowledged = true;
  f.value = 3.0;
  auto text = sms_template(with_link()).render(f, sms_language::zh);
  EXPECT_EQ(text.find("解除"), std::string::npos) << text;  // not "all clear"
  EXPECT_NE(text.find("【红色预警】"), std::string::npos) << text;
  EXPECT_NE(text.find("已恢复 3%LEL，14:05，尚未确认。"), std::string::npos) << text;
  EXPECT_NE(text.find("A-17 确认"), std::string::npos) << text;  // how to acknowledge
  auto en = sms_template(with_link()).render(f, sms_language::en);
  EXPECT_EQ(en.find("CLEARED"), std::string::npos) << en;
  EXPECT_NE(en.find("not yet acknowledged"), std::string::npos) << en;
}

TEST(sms_template, long_names_are_cut_but_never_colour_or_id) {
  auto f = gas_alert();
  f.school = std::string("市第一实验学校") + std::string(60, 'X') + "分校";
  f.zone = "化学实验室危险化学品储存柜所在的专用房间（北楼三层东侧）";
  f.device = "危化品柜门磁传感器（二号柜，靠窗）";
  f.ledger_id = "A-2025-000123";
  f.school_en = f.school + " " + f.school + " (English name)";
  f.zone_en = f.zone + f.zone + f.zone;
  f.device_en = f.device + f.device + f.device;
  sms_template t(with_link());
  for (auto lang : {sms_language::zh, sms_language::en}) {
    auto text = t.render(f, lang);
    EXPECT_LE(count_chars(text), lang == sms_language::zh ? 140u : 300u) << text;
    // Names were cut to make room, the link to acknowledge stayed.
    EXPECT_NE(text.find("https://campus.example.cn/#alert=A-2025-000123"), std::string::npos) << text;
    EXPECT_NE(text.find(std::string(sms_template::colour_word(f.severity, lang))),
              std::string::npos)
        << text;
    EXPECT_TRUE(text.ends_with("A-2025-000123")) << text;
    EXPECT_NE(text.find("…"), std::string::npos) << text;
    EXPECT_NE(text.find("25%LEL"), std::string::npos) << text;
    EXPECT_NE(text.find("14:05"), std::string::npos) << text;
  }
}

TEST(sms_template, an_overlong_link_gives_way_to_the_platform_hint) {
  sms_template_options o;
  o.dashboard = "https://" + std::string(200, 'a') + "/";
  auto text = sms_template(o).render(gas_alert(), sms_language::zh);
  EXPECT_LE(count_chars(text), 140u) << text;
  EXPECT_NE(text.find("请登录平台确认。编号 A-17"), std::string::npos) << text;
  EXPECT_NE(text.find("阳光小学"), std::string::npos) << text;  // names were short enough
}

TEST(sms_template, unknown_time_zone_prints_utc_marked) {
  auto f = gas_alert();
  f.time_zone = "Mars/Olympus";
  auto text = sms_template{}.render(f, sms_language::zh);
  EXPECT_NE(text.find("06:05 UTC"), std::string::npos) << text;
}

TEST(sms_template, summary_in_both_languages) {
  grouped_alerts g{"+8613800000000", 5, core::severity::orange, utc(6, 5), utc(6, 12)};
  sms_template t;
  EXPECT_EQ(t.render_summary(g, "Asia/Shanghai", sms_language::zh),
            "另有 5 条告警（最高橙色预警，14:05–14:12），请登录平台查看。");
  EXPECT_EQ(t.render_summary(g, "Asia/Shanghai", sms_language::en),
            "5 more alerts (highest: ORANGE ALERT, 14:05–14:12). Log in to the platform to view "
            "them.");
  // A summary links the dashboard itself (no alert of its own): never a dangling "#alert=".
  sms_template linked(with_link());
  EXPECT_EQ(linked.render_summary(g, "Asia/Shanghai", sms_language::zh),
            "另有 5 条告警（最高橙色预警，14:05–14:12），请登录 https://campus.example.cn/ 查看。");
  EXPECT_EQ(linked.render_summary(g, "Asia/Shanghai", sms_language::en),
            "5 more alerts (highest: ORANGE ALERT, 14:05–14:12). Open https://campus.example.cn/ "
            "to view them.");
}

// An escalation step reaching its reader after the condition cleared, nobody having
// acknowledged: still the alert's link, so the reader can acknowledge it.
TEST(sms_template, a_cleared_unacknowledged_alert_keeps_its_link) {
  auto f = gas_alert();
  f.cleared = true;
  f.unacknowledged = true;
  auto text = sms_template(with_link()).render(f, sms_language::zh);
  EXPECT_NE(text.find("请登录 https://campus.example.cn/#alert=A-17 确认。"), std::string::npos)
      << text;
  f.unacknowledged = false;  // handled: "预警解除", nothing to open
  text = sms_template(with_link()).render(f, sms_language::zh);
  EXPECT_EQ(text.find("#alert="), std::string::npos) << text;
}

TEST(sms_template, counts_code_points) {
  EXPECT_EQ(count_chars("阳光a…"), 4u);
  EXPECT_EQ(count_chars(""), 0u);
}

}  // namespace
}  // namespace campus::notify::sms
