// The text of an alert SMS. Chinese by default, English on request, e.g.
//   【红色预警】阳光小学 食堂后厨 燃气探测器1：燃气浓度超标 25%LEL（阈值 20%LEL），14:05。
//   请登录 https://campus.example.cn/#alert=A-17 确认。编号 A-17
// It names the school, zone, device, what happened, the value with its unit, the threshold,
// the warning colour, the time in the site's time zone (HH:MM) and how to acknowledge (reply,
// and/or the dashboard link), and ends with the alert's ledger id.
//
// Length: at most `max_chars` characters (Unicode code points; 140 by default) in Chinese,
// `max_chars_en` (300) in English. When too long, the names (school, zone, device, what) are
// cut longest first with "…", down to four characters each; if that is not enough the link
// gives way to "登录平台" and names may be cut to two characters; then the names go. The
// colour word, the value, the time and the ledger id are never cut. Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/reading.hpp"
#include "core/severity.hpp"
#include "notify/sms/sms_rate_limiter.hpp"

namespace campus::notify::sms {

enum class sms_language { zh, en };

struct alert_facts {
  std::string ledger_id;  // the alert's id in the ledger: quoted to acknowledge it
  std::string school, school_en;
  std::string zone, zone_en;
  std::string device, device_en;
  std::string what, what_en;  // the rule's name, e.g. "燃气浓度超标" / "Gas above limit"
  core::reading_value value;
  std::string unit;  // e.g. "%LEL", "ppm", "°C"; empty for states
  std::optional<double> threshold;
  core::severity severity = core::severity::yellow;
  bool cleared = false;  // the condition ended: "预警解除"
  // Nobody has acknowledged it yet. A cleared alert then still asks for an acknowledgement
  // ("已恢复，尚未确认" and how to acknowledge) rather than reading as handled: an escalation
  // step that falls due after the condition cleared must not tell its reader all is well.
  bool unacknowledged = false;
  // The ledger could not record it yet (a full disk): the text says so, and asks the reader
  // to open the platform rather than quote a provisional number.
  bool unrecorded = false;
  core::time_point at{};
  std::string time_zone = "Asia/Shanghai";  // IANA; an unknown zone prints UTC, marked "UTC"
};

struct sms_template_options {
  // The dashboard's address (dashboard_link.hpp): an alert's link is alert_link(dashboard, id),
  // a summary's the address itself. Empty: no link, "登录平台".
  std::string dashboard;
  // True when replies reach us (smstools incoming/): "回复编号确认".
  bool reply_to_acknowledge = false;
  std::size_t max_chars = 140;     // Chinese goes out in UCS-2: 67 characters per part
  std::size_t max_chars_en = 300;  // English in the GSM 7-bit alphabet: 153 per part
};

// Code points in a UTF-8 string (invalid bytes count one each).
std::size_t count_chars(std::string_view utf8);

class sms_template {
 public:
  explicit sms_template(sms_template_options options = {});

  std::string render(const alert_facts& facts, sms_language lang) const;

  // The one message for a group the rate limiter held back: "另有 5 条告警（最高红色预警，
  // 14:05–14:15），请登录平台查看". Bounded by max_chars too (the link gives way first).
  std::string render_summary(const grouped_alerts& group, std::string_view time_zone,
                             sms_language lang) const;

  // "红色预警" / "RED ALERT".
  static std::string_view colour_word(core::severity s, sms_language lang);
  // "HH:MM" in `time_zone`, or "HH:MM UTC" when the zone is unknown.
  static std::string local_time(core::time_point at, std::string_view time_zone);

 private:
  sms_template_options options_;
};

}  // namespace campus::notify::sms
