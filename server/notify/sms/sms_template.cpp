#include "notify/sms/sms_template.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "notify/sms/dashboard_link.hpp"

namespace campus::notify::sms {

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The first `n` code points of `s`.
std::string first_chars(std::string_view s, std::size_t n) {
  std::size_t i = 0, seen = 0;
  while (i < s.size()) {
    if (!is_continuation(static_cast<unsigned char>(s[i]))) {
      if (seen == n) break;
      ++seen;
    }
    ++i;
  }
  return std::string(s.substr(0, i));
}

std::string number_text(double v) {
  if (!std::isfinite(v)) return "?";
  auto s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string with_unit(const std::string& number, const std::string& unit) {
  if (unit.empty()) return number;
  // "25%LEL", "38.5°C" read as one; "12 ppm", "3 m" need a space.
  bool glued = unit.starts_with('%') || unit.starts_with("°");
  return glued ? number + unit : number + " " + unit;
}

std::string value_text(const alert_facts& f) {
  if (const auto* d = std::get_if<double>(&f.value)) return with_unit(number_text(*d), f.unit);
  return std::get<std::string>(f.value);
}

const std::string& pick(const std::string& en, const std::string& zh, sms_language lang) {
  return lang == sms_language::en && !en.empty() ? en : zh;
}

enum class ack_form { full, no_link, bare };

std::string ack_text(const sms_template_options& o, const std::string& id, sms_language lang,
                     ack_form form) {
  bool link = !o.dashboard.empty() && form == ack_form::full;
  bool reply = o.reply_to_acknowledge && form != ack_form::bare;
  auto url = alert_link(o.dashboard, id);
  if (lang == sms_language::zh) {
    if (reply && link) return fmt::format("请回复编号或登录 {} 确认。", url);
    if (reply) return "请回复编号确认。";
    if (link) return fmt::format("请登录 {} 确认。", url);
    return "请登录平台确认。";
  }
  if (reply && link) return fmt::format("Reply with the ref or open {} to acknowledge. ", url);
  if (reply) return "Reply with the ref to acknowledge. ";
  if (link) return fmt::format("Open {} to acknowledge. ", url);
  return "Log in to the platform to acknowledge. ";
}

}  // namespace

std::size_t count_chars(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8)
    if (!is_continuation(static_cast<unsigned char>(c))) ++n;
  return n;
}

sms_template::sms_template(sms_template_options options) : options_(std::move(options)) {}

std::string_view sms_template::colour_word(core::severity s, sms_language lang) {
  bool zh = lang == sms_language::zh;
  switch (s) {
    case core::severity::blue:
      return zh ? "蓝色预警" : "BLUE ALERT";
    case core::severity::yellow:
      return zh ? "黄色预警" : "YELLOW ALERT";
    case core::severity::orange:
      return zh ? "橙色预警" : "ORANGE ALERT";
    case core::severity::red:
      return zh ? "红色预警" : "RED ALERT";
  }
  return zh ? "预警" : "ALERT";
}

std::string sms_template::local_time(core::time_point at, std::string_view time_zone) {
  try {
    const auto* tz = date::locate_zone(time_zone);
    auto local = date::make_zoned(tz, std::chrono::floor<std::chrono::minutes>(at));
    return date::format("%H:%M", local);
  } catch (const std::runtime_error&) {
    // The configuration loader validates zones; should one slip through, the time stays true.
    return date::format("%H:%M UTC", std::chrono::floor<std::chrono::minutes>(at));
  }
}

std::string sms_template::render(const alert_facts& f, sms_language lang) const {
  const bool zh = lang == sms_language::zh;
  std::array<std::string, 4> names{pick(f.school_en, f.school, lang), pick(f.zone_en, f.zone, lang),
                                   pick(f.device_en, f.device, lang),
                                   pick(f.what_en, f.what, lang)};
  const auto colour = colour_word(f.severity, lang);
  const auto value = value_text(f);
  const auto time = local_time(f.at, f.time_zone);
  std::string threshold;
  if (f.threshold && !f.cleared)
    threshold = zh ? fmt::format("（阈值 {}）", with_unit(number_text(*f.threshold), f.unit))
                   : fmt::format(" (threshold {})", with_unit(number_text(*f.threshold), f.unit));

  auto compose = [&](ack_form form) {
    std::string where;
    for (std::size_t i = 0; i < 3; ++i) {
      if (names[i].empty()) continue;
      if (!where.empty()) where += zh ? " " : ", ";
      where += names[i];
    }
    const auto& what = names[3];
    // Cleared and handled: "预警解除". Cleared but nobody acknowledged: still an alert.
    const bool all_clear = f.cleared && !f.unacknowledged;
    if (zh) {
      auto head = fmt::format("【{}{}】{}", colour, all_clear ? "解除" : "", where);
      auto body = f.cleared ? fmt::format("{}{}已恢复 {}，{}{}。", where.empty() ? "" : "：",
                                          what.empty() ? "" : what + " ", value, time,
                                          all_clear ? "" : "，尚未确认")
                            : fmt::format("{}{}{}{}，{}。", where.empty() ? "" : "：",
                                          what.empty() ? "" : what + " ", value, threshold, time);
      if (f.unrecorded) return fmt::format("{}{}台账暂未记录，请立即登录平台查看。", head, body);
      auto ack = all_clear ? std::string{} : ack_text(options_, f.ledger_id, lang, form);
      return fmt::format("{}{}{}编号 {}", head, body, ack, f.ledger_id);
    }
    auto head = fmt::format("[{}{}] {}", colour, all_clear ? " CLEARED" : "", where);
    auto body = f.cleared ? fmt::format("{}{}back to {} at {}{}. ", where.empty() ? "" : ": ",
                                        what.empty() ? "" : what + " ", value, time,
                                        all_clear ? "" : ", not yet acknowledged")
                          : fmt::format("{}{}{}{} at {}. ", where.empty() ? "" : ": ",
                                        what.empty() ? "" : what + " ", value, threshold, time);
    if (f.unrecorded) {
      return fmt::format("{}{}Not yet recorded in the ledger: open the platform now.", head, body);
    }
    auto ack = all_clear ? std::string{} : ack_text(options_, f.ledger_id, lang, form);
    return fmt::format("{}{}{}Ref {}", head, body, ack, f.ledger_id);
  };

  const auto limit = zh ? options_.max_chars : options_.max_chars_en;
  auto fits = [&](const std::string& s) { return count_chars(s) <= limit; };
  const auto originals = names;
  // Cuts the longest name by one character at a time, keeping at least `min_keep` and an
  // ellipsis, until the text fits.
  auto shrink = [&](ack_form form, std::size_t min_keep) -> std::optional<std::string> {
    names = originals;
    std::array<std::size_t, 4> keep{};
    for (std::size_t i = 0; i < names.size(); ++i) keep[i] = count_chars(names[i]);
    for (;;) {
      auto text = compose(form);
      if (fits(text)) return text;
      std::size_t longest = names.size();
      for (std::size_t i = 0; i < names.size(); ++i)
        if (keep[i] > min_keep && (longest == names.size() || keep[i] > keep[longest])) longest = i;
      if (longest == names.size()) return std::nullopt;
      --keep[longest];
      names[longest] = first_chars(originals[longest], keep[longest]) + "…";
    }
  };
  // The link is worth more than long names, but not worth names cut to nothing.
  if (auto t = shrink(ack_form::full, 4)) return *t;
  if (auto t = shrink(ack_form::no_link, 2)) return *t;
  if (auto t = shrink(ack_form::bare, 2)) return *t;
  for (auto& n : names) n.clear();
  return compose(ack_form::bare);  // the colour, value, time and id: never cut further
}

std::string sms_template::render_summary(const grouped_alerts& g, std::string_view time_zone,
                                         sms_language lang) const {
  const auto from = local_time(g.first_at, time_zone);
  const auto to = local_time(g.last_at, time_zone);
  const auto span = from == to ? from : fmt::format("{}–{}", from, to);
  const bool zh = lang == sms_language::zh;
  auto compose = [&](bool link) {
    const bool url = link && !options_.dashboard.empty();
    if (zh)
      return fmt::format("另有 {} 条告警（最高{}，{}），{}", g.count, colour_word(g.highest, lang),
                         span,
                         url ? fmt::format("请登录 {} 查看。", options_.dashboard)
                             : std::string("请登录平台查看。"));
    return fmt::format("{} more alert{} (highest: {}, {}). {}", g.count, g.count == 1 ? "" : "s",
                       colour_word(g.highest, lang), span,
                       url ? fmt::format("Open {} to view them.", options_.dashboard)
                           : std::string("Log in to the platform to view them."));
  };
  auto text = compose(true);
  return count_chars(text) <= (zh ? options_.max_chars : options_.max_chars_en) ? text
                                                                                : compose(false);
}

}  // namespace campus::notify::sms
