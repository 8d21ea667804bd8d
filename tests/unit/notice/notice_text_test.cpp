// The notice's text message: its wording in both languages and the body's cut to 60
// characters, which must never split a UTF-8 sequence.
#include <gtest/gtest.h>

#include "notice/notice_text.hpp"
#include "notify/sms/sms_template.hpp"

namespace campus::notice {
namespace {

using notify::sms::count_chars;
using notify::sms::sms_language;

TEST(notice_text, chinese_wording_with_a_short_body_is_not_cut) {
  EXPECT_EQ(notice_text::sms_text("台风橙色预警", "今晚停止户外活动。", sms_language::zh),
            "【区教育局通知】台风橙色预警：今晚停止户外活动。 请登录 CampusShield 查看并确认已读。");
}

TEST(notice_text, english_wording) {
  EXPECT_EQ(notice_text::sms_text("Typhoon warning", "No outdoor activities tonight.",
                                  sms_language::en),
            "[District Education Bureau notice] Typhoon warning: No outdoor activities tonight. "
            "Please log in to CampusShield to read and confirm.");
  EXPECT_EQ(notice_text::sms_text("Inspection on Friday", "", sms_language::en),
            "[District Education Bureau notice] Inspection on Friday. Please log in to "
            "CampusShield to read and confirm.");
}

TEST(notice_text, a_long_chinese_body_is_cut_to_sixty_characters_on_a_character_boundary) {
  std::string body;
  for (int i = 0; i < 70; ++i) body += "雪";  // 3 bytes each
  const auto text = notice_text::sms_text("暴雪预警", body, sms_language::zh);
  std::string sixty;
  for (int i = 0; i < 60; ++i) sixty += "雪";
  EXPECT_EQ(text, "【区教育局通知】暴雪预警：" + sixty + "… 请登录 CampusShield 查看并确认已读。");
}

TEST(notice_text, the_cut_counts_code_points_of_every_length) {
  // 1, 2, 3 and 4 byte characters.
  const std::string mixed = "aé雪😀b";
  EXPECT_EQ(count_chars(mixed), 5u);
  EXPECT_EQ(notice_text::cut_chars(mixed, 1), "a");
  EXPECT_EQ(notice_text::cut_chars(mixed, 2), "aé");
  EXPECT_EQ(notice_text::cut_chars(mixed, 3), "aé雪");
  EXPECT_EQ(notice_text::cut_chars(mixed, 4), "aé雪😀");
  EXPECT_EQ(notice_text::cut_chars(mixed, 5), mixed);
  EXPECT_EQ(notice_text::cut_chars(mixed, 60), mixed);
  EXPECT_EQ(notice_text::cut_chars("", 60), "");
  EXPECT_EQ(notice_text::cut_chars(mixed, 0), "");
}

TEST(notice_text, broken_utf8_counts_a_byte_as_a_character_and_never_reads_past_the_end) {
  const std::string truncated = "ab\xE9\x9B";  // the first two bytes of 雪
  EXPECT_EQ(notice_text::cut_chars(truncated, 3), "ab\xE9");
  EXPECT_EQ(notice_text::cut_chars(truncated, 4), truncated);
  const std::string stray = "\x80\x80x";
  EXPECT_EQ(notice_text::cut_chars(stray, 2), "\x80\x80");
}

TEST(notice_text, an_english_body_is_cut_at_sixty_letters) {
  const std::string body(80, 'x');
  const auto text = notice_text::sms_text("Snow", body, sms_language::en);
  EXPECT_NE(text.find(": " + std::string(60, 'x') + "… Please"), std::string::npos) << text;
  EXPECT_EQ(text.find(std::string(61, 'x')), std::string::npos);
}

TEST(notice_text, line_breaks_and_runs_of_spaces_become_one_space) {
  EXPECT_EQ(notice_text::one_line("  第一行\r\n\n第二行\t 末  "), "第一行 第二行 末");
  // Sixty characters are counted after flattening: the breaks do not eat the budget.
  std::string body = "\n\n\n";
  for (int i = 0; i < 60; ++i) body += "雨";
  const auto text = notice_text::sms_text("暴雨", body, sms_language::zh);
  EXPECT_EQ(text.find("…"), std::string::npos) << text;
}

}  // namespace
}  // namespace campus::notice
