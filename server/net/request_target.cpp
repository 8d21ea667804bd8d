#include "net/request_target.hpp"

namespace campus::net {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Strict UTF-8: no overlong forms, surrogates or code points above U+10FFFF. Decoded text ends
// up in JSON answers (error messages quote it), which must be UTF-8.
bool is_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    char32_t cp = 0;
    if ((lead & 0xE0) == 0xC0) extra = 1, cp = lead & 0x1F;
    else if ((lead & 0xF0) == 0xE0) extra = 2, cp = lead & 0x0F;
    else if ((lead & 0xF8) == 0xF0) extra = 3, cp = lead & 0x07;
    else return false;
    if (s.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    constexpr char32_t smallest[] = {0, 0x80, 0x800, 0x10000};
    if (cp < smallest[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace

std::expected<std::string, std::string> request_target::percent_decode(std::string_view s,
                                                                       bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::unexpected("truncated percent-escape");
      const int h = hex_digit(s[i + 1]);
      const int l = hex_digit(s[i + 2]);
      if (h < 0 || l < 0) return std::unexpected("invalid percent-escape");
      const char decoded = static_cast<char>(h * 16 + l);
      if (decoded == '\0') return std::unexpected("NUL byte in request target");
      out += decoded;
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (!is_utf8(out)) return std::unexpected("not UTF-8");
  return out;
}

std::expected<request_target, std::string> request_target::parse(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return std::unexpected("request target must start with '/'");
  }
  request_target result;
  const auto q = target.find('?');
  auto path = percent_decode(target.substr(0, q), false);
  if (!path) return std::unexpected("bad path: " + path.error());
  result.path_ = std::move(*path);
  if (q == std::string_view::npos) return result;

  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{}
                                                              : pair.substr(eq + 1),
                                true);
    if (!name) return std::unexpected("bad query parameter name: " + name.error());
    if (!value) return std::unexpected("bad value of query parameter '" + *name + "': " +
                                       value.error());
    if (!result.params_.emplace(std::move(*name), std::move(*value)).second) {
      return std::unexpected("query parameter '" + std::string(pair.substr(0, eq)) +
                             "' given more than once");
    }
  }
  return result;
}

const std::string* request_target::param(std::string_view name) const {
  const auto it = params_.find(name);
  return it == params_.end() ? nullptr : &it->second;
}

std::optional<std::string> request_target::unknown_param(
    std::initializer_list<std::string_view> allowed) const {
  for (const auto& [name, value] : params_) {
    bool known = false;
    for (auto a : allowed) known = known || name == a;
    if (known) continue;
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return "unknown query parameter '" + name + "'" +
           (list.empty() ? std::string("; this endpoint takes none") : "; allowed: " + list);
  }
  return std::nullopt;
}

}  // namespace campus::net
