// The target of an HTTP request ("/api/devices?site=s1"), split into a percent-decoded path
// and query parameters. Targets come from the network, so parsing reports errors as values.
#pragma once

#include <expected>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace campus::net {

class request_target {
 public:
  // Fails on a target that is not origin-form ("/..."), on bad percent-encoding, on a decoded
  // NUL byte, on decoded text that is not UTF-8 and on a query parameter given twice; the
  // message says which.
  static std::expected<request_target, std::string> parse(std::string_view target);

  // Decodes %XX escapes; `plus_is_space` for query strings (form encoding).
  static std::expected<std::string, std::string> percent_decode(std::string_view s,
                                                                bool plus_is_space);

  const std::string& path() const { return path_; }
  const std::map<std::string, std::string, std::less<>>& params() const { return params_; }
  // The parameter's value, or nullptr when absent.
  const std::string* param(std::string_view name) const;
  // A message naming the first parameter not in `allowed` (so a typo such as "sit=" is not
  // silently ignored), or nullopt when every parameter is known.
  std::optional<std::string> unknown_param(std::initializer_list<std::string_view> allowed) const;

 private:
  std::string path_;
  std::map<std::string, std::string, std::less<>> params_;
};

}  // namespace campus::net
