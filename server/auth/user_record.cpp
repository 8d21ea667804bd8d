#include "auth/user_record.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace campus::auth {

namespace {

constexpr std::size_t max_name = 64;
constexpr std::size_t max_display_name = 128;
constexpr std::size_t min_password_chars = 10;
constexpr std::size_t max_password_bytes = 1024;

bool lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool site_char(char c) {
  return lower_or_digit(c) || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' || c == '.';
}

// Well-formed UTF-8 without control characters: the display name ends up in JSON and logs.
bool printable_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) return false;
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      extra = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    constexpr std::uint32_t least[] = {0, 0x80, 0x800, 0x10000};
    if (cp < least[extra] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return false;
    if (cp >= 0x80 && cp < 0xa0) return false;  // C1 controls
    i += extra + 1;
  }
  return true;
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

}  // namespace

std::expected<void, std::string> check_user_name(std::string_view name) {
  if (name.empty()) return std::unexpected("a user name must not be empty");
  if (name.size() > max_name) {
    return std::unexpected(fmt::format("a user name is at most {} characters", max_name));
  }
  const bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
    return lower_or_digit(c) || c == '.' || c == '_' || c == '-';
  });
  if (!allowed || !lower_or_digit(name.front())) {
    return std::unexpected(fmt::format(
        "a user name must be lower-case letters, digits, '.', '_' or '-', starting with a "
        "letter or digit, got \"{}\"",
        name));
  }
  return {};
}

std::expected<void, std::string> check_user(const user_record& u) {
  if (auto r = check_user_name(u.name); !r) return r;
  if (u.display_name.size() > max_display_name || !printable_utf8(u.display_name)) {
    return std::unexpected(fmt::format(
        "a display name must be UTF-8 without control characters, at most {} bytes",
        max_display_name));
  }
  if (sees_all_sites(u.level)) {
    if (!u.sites.empty()) {
      return std::unexpected(fmt::format("role {} sees every school; give it no sites",
                                         to_string(u.level)));
    }
    return {};
  }
  if (u.sites.empty()) {
    return std::unexpected(
        fmt::format("role {} needs at least one site (--sites a,b)", to_string(u.level)));
  }
  for (std::size_t i = 0; i < u.sites.size(); ++i) {
    const auto& s = u.sites[i];
    if (s.empty() || s.size() > max_name || !std::all_of(s.begin(), s.end(), site_char)) {
      return std::unexpected(fmt::format(
          "a site id must be letters, digits, '-', '_' or '.', at most {}, got \"{}\"", max_name,
          s));
    }
    if (std::find(u.sites.begin(), u.sites.begin() + static_cast<std::ptrdiff_t>(i), s) !=
        u.sites.begin() + static_cast<std::ptrdiff_t>(i)) {
      return std::unexpected(fmt::format("site \"{}\" is listed twice", s));
    }
  }
  return {};
}

std::expected<void, std::string> check_password(std::string_view password) {
  if (password.size() > max_password_bytes) {
    return std::unexpected(fmt::format("a password is at most {} bytes", max_password_bytes));
  }
  if (code_points(password) < min_password_chars) {
    return std::unexpected(
        fmt::format("a password needs at least {} characters", min_password_chars));
  }
  return {};
}

}  // namespace campus::auth
