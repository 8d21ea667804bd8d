// The smstools (smsd 3.1) message file, as documented in its fileformat.html: header lines
// ("To: 8613800000000"), an empty line, then the text. smsd adds headers when it moves a file
// to sent/ ("Modem:", "Sent:", "Sending_time:", "Message_id:") or failed/ ("Fail_reason:",
// "Failed:"). Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace campus::notify::sms {

// A file for smsd: To (international, no '+'), "Alphabet: UTF-8" (smsd switches to UCS2 by
// itself when the text has characters outside the GSM alphabet, e.g. Chinese), then the text
// exactly as given: smsd sends the body to end of file, a trailing newline included.
std::string compose_spool_file(std::string_view smstools_number, std::string_view text);

// The headers of a spool file: every "Name: value" line before the first empty line (headers
// are case-sensitive in smsd). Lines without a colon are skipped. Never throws.
std::map<std::string, std::string> parse_spool_headers(std::string_view content);

// The file name for one of our messages: "campus-<stamp>-<seq>-<id>" with every character of
// `id` outside [A-Za-z0-9_-] replaced by '_' and the id part cut to 64 characters, so the name
// never starts with a dot, never ends in ".LOCK", and stays unique across restarts (`stamp`
// is the gateway's start time) even when two message ids sanitise alike (`seq`).
std::string spool_file_name(std::int64_t stamp, std::uint64_t seq, std::string_view id);

}  // namespace campus::notify::sms
