// http.public_url: the address people's phones and browsers reach the dashboard at, when it is
// not the one the server listens on (a reverse proxy, a DNS name, a NAT). SMS links are built
// from it: <public_url>#alert=A-000043. Pure.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace campus::config {

// The URL as links use it, or what is wrong with it (for the loader's error at the setting).
// It must be an absolute http:// or https:// URL with a host, an optional port (1..65535),
// path and query, in printable ASCII (punycode and percent-encoding for the rest), without a
// user name or password (it is texted to phones) and without a fragment (the link adds its
// own). A URL without a path gets "/": "https://campus.example.cn" → "https://campus.example.cn/".
std::expected<std::string, std::string> check_public_url(std::string_view url);

}  // namespace campus::config
