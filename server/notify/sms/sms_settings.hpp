// Reads the `sms:` section of a district configuration (which gateway carries alert messages,
// their language, link and rate limit) and opens the gateway it names. Problems are reported
// with file, line and setting path (config::config_error), like the rest of the configuration.
//
//   sms:
//     gateway: log                 # log | smstools | http (default log)
//     language: zh                 # zh | en (default zh)
//     reply_to_acknowledge: false  # true when replies reach us (smstools incoming/)
//     max_chars: 140               # per message, Chinese (40..1000); max_chars_en: 300 (80..2000)
//     rate_limit: {max_per_window: 3, window: 10m, red_memory: 24h}
//     log: {file: sms.log}
//     smstools: {spool_dir: /var/spool/sms, poll_interval: 1s, give_up_after: 30m}
//       # also outgoing_dir, sent_dir, failed_dir, staging_dir (default under spool_dir),
//       # max_pending (10000)
//     http:
//       url: http://127.0.0.1:9000/send      # required; plain http only (no TLS yet)
//       body_template: '{"to":"{to}","text":"{text}","id":"{id}"}'
//       content_type: application/json; charset=utf-8
//       headers: [{name: Authorization, value_env: CAMPUS_SMS_TOKEN}]  # value: or value_env:
//       timeout: 10s
//       max_attempts: 3
//       backoff: 1s                          # also max_in_flight (4), max_queue (1000)
//
// The link in each message is not set here: it opens http.public_url, or the address the
// server listens on (dashboard_link.hpp); the old `dashboard_url` is refused, saying so.
// Paths are relative to the district's data_dir. Only the sub-map of the chosen gateway is read
// (required settings, ranges, unknown keys): a district can keep an http block ready while it
// demonstrates with the log gateway. `value_env` takes a header value (a provider token) from
// the environment at load time, so secrets stay out of the file; an unset or empty variable is
// an error naming it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <expected>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/district.hpp"
#include "config/loader.hpp"
#include "config/yaml_reader.hpp"
#include "notify/sms/http_sms_gateway.hpp"
#include "notify/sms/sms_gateway.hpp"
#include "notify/sms/sms_rate_limiter.hpp"
#include "notify/sms/sms_template.hpp"
#include "notify/sms/smstools_gateway.hpp"

namespace campus::notify::sms {

enum class gateway_kind { log, smstools, http };

constexpr std::string_view to_string(gateway_kind k) {
  switch (k) {
    case gateway_kind::log:
      return "log";
    case gateway_kind::smstools:
      return "smstools";
    case gateway_kind::http:
      return "http";
  }
  return "unknown";
}

struct sms_settings {
  gateway_kind gateway = gateway_kind::log;
  std::string log_file;                   // absolute; default <district data_dir>/sms.log
  smstools_settings smstools;             // read only when gateway is smstools
  http_sms_settings http;                 // read only when gateway is http; headers resolved
  sms_language language = sms_language::zh;
  sms_template_options template_options;  // reply, max_chars; dashboard set once bound
  rate_limit_policy rate_limit;
  bool configured = false;  // false: the file had no sms: section (the defaults above)
};

using sms_result = std::expected<sms_settings, std::vector<config::config_error>>;

// Reads `sms` (the value of the `sms:` key; may be undefined: the defaults, configured = false),
// recording errors in `reader`; the result is meaningful only if the reader gained no errors.
// For the district loader, which shares one reader across sections.
sms_settings read_sms(const YAML::Node& sms, const config::district& district,
                      config::yaml_reader& reader);

// A whole document whose top level may hold `sms:` (the district file). No `sms:` is not an
// error: the defaults come back with configured = false.
sms_result load_sms_string(const std::string& yaml, const config::district& district,
                           const std::string& file_name = "<string>");
sms_result load_sms_file(const std::filesystem::path& file, const config::district& district);

// Opens the gateway the settings name (it starts its thread). Configuration checks do not call
// this: the spool or the provider may exist only where the server runs. The error names the
// gateway and the problem, e.g. "sms gateway smstools: spool directory /var/spool/sms/outgoing
// does not exist (is smstools installed and configured?)".
std::expected<std::unique_ptr<sms_gateway>, std::string> open_gateway(const sms_settings& settings);

}  // namespace campus::notify::sms
