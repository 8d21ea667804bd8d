// The request body an HTTP SMS provider expects, from a template in the configuration, e.g.
//   {"phone":"{to}","content":"{text}","ref":"{id}"}
// Placeholders: {to} (E.164, "+86..."), {to_digits} (without the '+'), {text}, {id}. Each value
// is JSON-escaped (without quotes: the template supplies them), so a message text can never
// break the provider's JSON. Anything else in braces is left as it is. Pure.
#pragma once

#include <string>
#include <string_view>

#include "notify/sms/sms_gateway.hpp"

namespace campus::notify::sms {

// The JSON string escape of `s` (", \, control characters as \uXXXX); UTF-8 passes through.
std::string json_escape(std::string_view s);

std::string render_http_body(std::string_view body_template, const sms_message& m);

}  // namespace campus::notify::sms
