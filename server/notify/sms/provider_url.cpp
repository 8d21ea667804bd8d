#include "notify/sms/provider_url.hpp"

#include <fmt/format.h>

namespace campus::notify::sms {

std::expected<provider_url, std::string> provider_url::parse(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return std::unexpected(fmt::format("sms provider url '{}': {}", url, why));
  };
  constexpr std::string_view scheme = "http://";
  if (url.starts_with("https://"))
    return bad("https is not supported here; use a local TLS proxy (see README)");
  if (!url.starts_with(scheme)) return bad("must start with http://");
  auto rest = url.substr(scheme.size());
  provider_url u;
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) u.target = std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos)
    return bad("credentials in the URL are not supported; use a header");
  std::string_view host = authority;
  if (authority.starts_with('[')) {  // IPv6 literal
    auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("unclosed '[' in the host");
    host = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("junk after the IPv6 host");
      u.port = std::string(after.substr(1));
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    u.port = std::string(authority.substr(colon + 1));
  }
  if (host.empty()) return bad("no host");
  if (u.port.empty() || u.port.size() > 5 ||
      u.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(u.port) == 0 ||
      std::stoi(u.port) > 65535)
    return bad("port must be a number 1-65535");
  u.host = std::string(host);
  return u;
}

}  // namespace campus::notify::sms
