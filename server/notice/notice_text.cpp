#include "notice/notice_text.hpp"

namespace campus::notice::notice_text {

namespace {

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Bytes of the character at the start of `s`: a whole valid sequence, or 1.
std::size_t char_length(std::string_view s) {
  const auto lead = static_cast<unsigned char>(s[0]);
  std::size_t n = 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    n = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    n = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    n = 4;
  }
  if (n > s.size()) return 1;
  for (std::size_t i = 1; i < n; ++i) {
    if (!continuation(static_cast<unsigned char>(s[i]))) return 1;
  }
  return n;
}

}  // namespace

std::string_view cut_chars(std::string_view utf8, std::size_t max_chars) {
  std::size_t at = 0;
  for (std::size_t chars = 0; at < utf8.size() && chars < max_chars; ++chars) {
    at += char_length(utf8.substr(at));
  }
  return utf8.substr(0, at);
}

std::string one_line(std::string_view text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string sms_text(std::string_view title, std::string_view body,
                     notify::sms::sms_language language) {
  const bool zh = language == notify::sms::sms_language::zh;
  const std::string flat_title = one_line(title);
  const std::string flat = one_line(body);
  const std::string_view cut = cut_chars(flat, body_chars);
  const std::string_view more = cut.size() < flat.size() ? "…" : "";
  std::string out = zh ? "【区教育局通知】" : "[District Education Bureau notice] ";
  out += flat_title;
  if (!flat.empty()) {
    out += zh ? "：" : ": ";
    out += cut;
    out += more;
  } else {
    out += zh ? "。" : ".";
  }
  out += zh ? " 请登录 CampusShield 查看并确认已读。"
            : " Please log in to CampusShield to read and confirm.";
  return out;
}

}  // namespace campus::notice::notice_text
