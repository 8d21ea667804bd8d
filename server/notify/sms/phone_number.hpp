// Phone numbers in the two spellings we meet: E.164 ("+8613800000000"), which the roster keeps,
// and smstools' international form without the plus ("8613800000000").
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace campus::notify::sms {

// True for "+" followed by 8 to 15 digits, the first not 0 (ITU-T E.164).
bool is_e164(std::string_view number);

// "+8613800000000" -> "8613800000000"; an error text when `number` is not E.164.
std::expected<std::string, std::string> to_smstools_number(std::string_view number);

}  // namespace campus::notify::sms
