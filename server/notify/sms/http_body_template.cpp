#include "notify/sms/http_body_template.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace campus::notify::sms {

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
          out.push_back(c);
    }
  }
  return out;
}

std::string render_http_body(std::string_view tpl, const sms_message& m) {
  std::string_view digits = m.to;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  const std::array<std::pair<std::string_view, std::string_view>, 4> values{
      {{"{to}", m.to}, {"{to_digits}", digits}, {"{text}", m.text}, {"{id}", m.id}}};
  std::string out;
  // One pass, left to right: a value that itself contains "{id}" is never expanded again.
  for (std::size_t i = 0; i < tpl.size();) {
    bool replaced = false;
    if (tpl[i] == '{') {
      for (const auto& [key, value] : values) {
        if (tpl.substr(i, key.size()) == key) {
          out += json_escape(value);
          i += key.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(tpl[i++]);
  }
  return out;
}

}  // namespace campus::notify::sms
