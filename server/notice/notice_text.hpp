// The text message of a notice (docs/bureau.md "Notices"), Chinese by default:
//   【区教育局通知】台风橙色预警：今晚至明日白天有强风暴雨，请做好停课准备…… 请登录 CampusShield 查看并确认已读。
// and in English with sms.language: en:
//   [District Education Bureau notice] Typhoon warning: Strong wind … Please log in to
//   CampusShield to read and confirm.
// The body's line breaks and runs of spaces become one space, and it is cut to 60 characters
// (Unicode code points, never inside one) with "…" when cut. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "notify/sms/sms_template.hpp"

namespace campus::notice::notice_text {

inline constexpr std::size_t body_chars = 60;

// The first `max_chars` code points of `utf8`, whole. A byte that does not start a valid
// sequence counts as one character and is kept as it is (never split from what follows).
std::string_view cut_chars(std::string_view utf8, std::size_t max_chars);

// Line breaks, tabs and runs of spaces as one space; no space at either end.
std::string one_line(std::string_view text);

std::string sms_text(std::string_view title, std::string_view body,
                     notify::sms::sms_language language);

}  // namespace campus::notice::notice_text
