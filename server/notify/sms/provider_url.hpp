// "http://host[:port][/path]" split for Beast. Plain HTTP only: for an https provider, run a
// TLS-terminating proxy on the host (e.g. stunnel) and point the URL at it; see README.md.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace campus::notify::sms {

struct provider_url {
  std::string host;
  std::string port = "80";
  std::string target = "/";  // path and query

  // An error names the URL and what is wrong with it (configuration fails fast with it).
  static std::expected<provider_url, std::string> parse(std::string_view url);
};

}  // namespace campus::notify::sms
