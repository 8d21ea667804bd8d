#include "notify/sms/phone_number.hpp"

#include <fmt/format.h>

namespace campus::notify::sms {

bool is_e164(std::string_view number) {
  if (number.size() < 9 || number.size() > 16 || number[0] != '+') return false;
  if (number[1] == '0') return false;
  for (char c : number.substr(1))
    if (c < '0' || c > '9') return false;
  return true;
}

std::expected<std::string, std::string> to_smstools_number(std::string_view number) {
  if (!is_e164(number))
    return std::unexpected(
        fmt::format("not an E.164 number (+ and 8-15 digits): '{}'", number.substr(0, 32)));
  return std::string(number.substr(1));
}

}  // namespace campus::notify::sms
