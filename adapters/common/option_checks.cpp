#include "adapters/common/option_checks.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "adapters/common/rejections.hpp"

namespace campus::adapters {

std::string option_error(std::string_view path, std::string_view what) {
  return fmt::format("{}: {}", path, what);
}

std::string option_type_error(std::string_view path, std::string_view wanted,
                              const boost::json::value& got) {
  return fmt::format("{}: must be {}, got {}", path, wanted, quote_json(got));
}

std::optional<std::string> unknown_option(const boost::json::object& o, std::string_view path,
                                          std::initializer_list<std::string_view> known) {
  for (const auto& kv : o) {
    std::string_view key = kv.key();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string expected =
        known.size() == 0 ? std::string("this family takes no options")
                          : fmt::format("known options are {}", fmt::join(known, ", "));
    return fmt::format("{}.{}: unknown option ({})", path, quote_text(key), expected);
  }
  return std::nullopt;
}

}  // namespace campus::adapters
