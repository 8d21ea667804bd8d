#include "notify/sms/smstools_spool_file.hpp"

#include <fmt/format.h>

namespace campus::notify::sms {

std::string compose_spool_file(std::string_view smstools_number, std::string_view text) {
  return fmt::format("To: {}\nAlphabet: UTF-8\n\n{}", smstools_number, text);
}

std::map<std::string, std::string> parse_spool_headers(std::string_view content) {
  std::map<std::string, std::string> headers;
  while (!content.empty()) {
    auto eol = content.find('\n');
    auto line = content.substr(0, eol);
    content = eol == std::string_view::npos ? std::string_view{} : content.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the text starts here
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) continue;
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.emplace(std::string(line.substr(0, colon)), std::string(value));
  }
  return headers;
}

std::string spool_file_name(std::int64_t stamp, std::uint64_t seq, std::string_view id) {
  std::string safe;
  for (char c : id.substr(0, 64)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    safe.push_back(ok ? c : '_');
  }
  return fmt::format("campus-{}-{}-{}", stamp, seq, safe);
}

}  // namespace campus::notify::sms
