#include "config/public_url.hpp"

#include <algorithm>
#include <charconv>

namespace campus::config {

namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 3986 reg-name or IPv4 address: unreserved, percent-encoded and sub-delims characters.
bool is_host_char(char c) {
  return is_alnum(c) || std::string_view("-._~%!$&'()*+,;=").find(c) != std::string_view::npos;
}

bool is_ipv6_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

}  // namespace

std::expected<std::string, std::string> check_public_url(std::string_view url) {
  const auto fail = [&](std::string_view why) {
    return std::unexpected(std::string(why) + ", got \"" + std::string(url) + "\"");
  };
  std::string_view rest;
  if (url.starts_with("https://"))
    rest = url.substr(8);
  else if (url.starts_with("http://"))
    rest = url.substr(7);
  else
    return fail("must be an absolute http:// or https:// URL (the dashboard as phones reach it)");
  if (std::any_of(url.begin(), url.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f;
      }))
    return fail("must be printable ASCII without spaces (punycode for a domain name, "
                "percent-encoding in the path)");
  if (url.find('#') != std::string_view::npos)
    return fail("must not have a fragment (#…): the link adds #alert=<id> itself");
  const auto authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.find('@') != std::string_view::npos)
    return fail("must not hold a user name or password: it is texted to phones");
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (host.starts_with('[')) {
    const auto close = host.find(']');
    if (close == std::string_view::npos || close == 1 ||
        !std::all_of(host.begin() + 1, host.begin() + close, is_ipv6_char))
      return fail("has a malformed IPv6 address (write it as [2001:db8::1])");
    const auto after = host.substr(close + 1);
    if (!after.empty() && !after.starts_with(':'))
      return fail("has something after the IPv6 address");
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
    host = host.substr(0, close + 1);
  } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    has_port = true;
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return fail("has no host");
  if (!host.starts_with('[') && !std::all_of(host.begin(), host.end(), is_host_char))
    return fail("has a host with characters a host name cannot hold");
  if (has_port) {
    int n = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || n < 1 ||
        n > 65535)
      return fail("has a port that is not 1..65535");
  }
  std::string out(url);
  if (authority.size() == rest.size() || rest[authority.size()] == '?')
    out.insert(url.size() - (rest.size() - authority.size()), "/");
  return out;
}

}  // namespace campus::config
