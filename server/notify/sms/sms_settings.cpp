#include "notify/sms/sms_settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "notify/sms/log_sms_gateway.hpp"
#include "notify/sms/provider_url.hpp"

namespace campus::notify::sms {

namespace fs = std::filesystem;
using config::index_path;
using config::join_path;

namespace {

// RFC 9110 token characters: what a header name may be made of.
bool is_token(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

// A CR or LF in a header value would let the file (or the environment) inject headers.
bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

class sms_parser {
 public:
  sms_parser(config::yaml_reader& r, const config::district& d) : r_(r), district_(d) {}

  sms_settings parse(const YAML::Node& sms) {
    sms_settings out;
    out.log_file = resolve("sms.log");
    if (!sms.IsDefined()) return out;
    out.configured = true;
    if (sms.IsNull()) return out;
    if (!sms.IsMap()) {
      r_.error(sms, "sms", "must be a mapping");
      return out;
    }
    r_.check_keys(sms, "sms",
                  {"gateway", "language", "dashboard_url", "reply_to_acknowledge", "max_chars",
                   "max_chars_en", "rate_limit", "log", "smstools", "http"});
    if (auto g = r_.string(sms, "gateway", "sms", false)) {
      if (*g == "smstools")
        out.gateway = gateway_kind::smstools;
      else if (*g == "http")
        out.gateway = gateway_kind::http;
      else if (*g != "log")
        r_.error(sms["gateway"], "sms.gateway", "must be log, smstools or http, got \"" + *g + "\"");
    }
    if (auto l = r_.string(sms, "language", "sms", false)) {
      if (*l == "en")
        out.language = sms_language::en;
      else if (*l != "zh")
        r_.error(sms["language"], "sms.language", "must be zh or en, got \"" + *l + "\"");
    }
    read_template(sms, out.template_options);
    read_rate_limit(sub_map(sms, "rate_limit"), out.rate_limit);
    switch (out.gateway) {
      case gateway_kind::log:
        read_log(sub_map(sms, "log"), out);
        break;
      case gateway_kind::smstools:
        read_smstools(sub_map(sms, "smstools"), out.smstools);
        break;
      case gateway_kind::http:
        read_http(sms, out.http);
        break;
    }
    return out;
  }

 private:
  // The mapping under `key`, or an undefined node when absent (or reported when not a map).
  YAML::Node sub_map(const YAML::Node& sms, const char* key) {
    const YAML::Node n = sms[key];
    if (!n.IsDefined() || n.IsNull()) return YAML::Node(YAML::NodeType::Undefined);
    if (!n.IsMap()) {
      r_.error(n, join_path("sms", key), "must be a mapping");
      return YAML::Node(YAML::NodeType::Undefined);
    }
    return n;
  }

  // Absolute, against data_dir: the server's working directory must not change what it opens.
  std::string resolve(const std::string& path) const {
    fs::path full(path);
    if (full.is_relative()) full = fs::path(district_.data_dir.empty() ? "." : district_.data_dir) / full;
    std::error_code ec;
    fs::path absolute = fs::absolute(full, ec);
    return (ec ? full : absolute).lexically_normal().string();
  }

  std::optional<long long> integer_in(const YAML::Node& map, const char* key,
                                      const std::string& path, long long low, long long high) {
    auto v = r_.integer(map, key, path, false);
    if (v && (*v < low || *v > high)) {
      r_.error(map[key], join_path(path, key),
               fmt::format("must be {}..{}, got {}", low, high, *v));
      return std::nullopt;
    }
    return v;
  }

  std::optional<core::duration> positive_duration(const YAML::Node& map, const char* key,
                                                  const std::string& path) {
    auto v = r_.duration(map, key, path, false);
    if (v && v->count() <= 0) {
      r_.error(map[key], join_path(path, key), "must be longer than 0");
      return std::nullopt;
    }
    return v;
  }

  std::optional<std::string> path_setting(const YAML::Node& map, const char* key,
                                          const std::string& path) {
    auto v = r_.string(map, key, path, false);
    if (!v) return std::nullopt;
    if (v->empty()) {
      r_.error(map[key], join_path(path, key), "must not be empty");
      return std::nullopt;
    }
    return resolve(*v);
  }

  void read_template(const YAML::Node& sms, sms_template_options& t) {
    // The link's fixed prefix went stale whenever the server listened elsewhere: links are
    // built from http.public_url, or from the address served (dashboard_link.hpp).
    if (const YAML::Node old = sms["dashboard_url"]; old.IsDefined()) {
      std::string was = old.IsScalar() ? old.Scalar() : std::string();
      if (const auto hash = was.find('#'); hash != std::string::npos) was.erase(hash);
      r_.error(old, "sms.dashboard_url",
               was.empty() || !(was.starts_with("http://") || was.starts_with("https://"))
                   ? "is no longer read: SMS links open the address the server listens on, or "
                     "http.public_url when set (docs/configuration.md); remove this line"
                   : "is no longer read: SMS links open the address the server listens on, or "
                     "http.public_url when set (docs/configuration.md); remove this line, and "
                     "if phones reach the dashboard elsewhere write `public_url: " +
                         was + "` under http:");
    }
    if (auto v = r_.boolean(sms, "reply_to_acknowledge", "sms", false)) t.reply_to_acknowledge = *v;
    if (auto v = integer_in(sms, "max_chars", "sms", 40, 1000)) t.max_chars = *v;
    if (auto v = integer_in(sms, "max_chars_en", "sms", 80, 2000)) t.max_chars_en = *v;
  }

  void read_rate_limit(const YAML::Node& n, rate_limit_policy& p) {
    if (!n.IsDefined()) return;
    const std::string path = "sms.rate_limit";
    r_.check_keys(n, path, {"max_per_window", "window", "red_memory"});
    if (auto v = integer_in(n, "max_per_window", path, 1, 1000)) p.max_per_window = static_cast<int>(*v);
    if (auto v = positive_duration(n, "window", path)) p.window = *v;
    if (auto v = positive_duration(n, "red_memory", path)) p.red_memory = *v;
  }

  void read_log(const YAML::Node& n, sms_settings& out) {
    if (!n.IsDefined()) return;
    r_.check_keys(n, "sms.log", {"file"});
    if (auto v = path_setting(n, "file", "sms.log")) out.log_file = *v;
  }

  void read_smstools(const YAML::Node& n, smstools_settings& s) {
    if (!n.IsDefined()) return;
    const std::string path = "sms.smstools";
    r_.check_keys(n, path,
                  {"spool_dir", "outgoing_dir", "sent_dir", "failed_dir", "staging_dir",
                   "poll_interval", "give_up_after", "max_pending"});
    if (auto v = path_setting(n, "spool_dir", path)) s.spool_dir = *v;
    if (auto v = path_setting(n, "outgoing_dir", path)) s.outgoing_dir = *v;
    if (auto v = path_setting(n, "sent_dir", path)) s.sent_dir = *v;
    if (auto v = path_setting(n, "failed_dir", path)) s.failed_dir = *v;
    if (auto v = path_setting(n, "staging_dir", path)) s.staging_dir = *v;
    if (auto v = positive_duration(n, "poll_interval", path)) s.poll_interval = *v;
    if (auto v = positive_duration(n, "give_up_after", path)) {
      if (*v <= s.poll_interval)
        r_.error(n["give_up_after"], path + ".give_up_after",
                 "must be longer than poll_interval");
      else
        s.give_up_after = *v;
    }
    if (auto v = integer_in(n, "max_pending", path, 1, 1'000'000)) s.max_pending = *v;
  }

  void read_http(const YAML::Node& sms, http_sms_settings& s) {
    const std::string path = "sms.http";
    const YAML::Node n = sub_map(sms, "http");
    if (!n.IsDefined()) {
      if (sms["http"].IsDefined() && !sms["http"].IsNull()) return;  // reported: not a mapping
      r_.missing(sms, "http", path, "is required for gateway http (at least its url)");
      return;
    }
    r_.check_keys(n, path,
                  {"url", "body_template", "content_type", "headers", "timeout", "max_attempts",
                   "backoff", "max_in_flight", "max_queue"});
    if (auto url = r_.string(n, "url", path, true)) {
      if (url->starts_with("https://")) {
        r_.error(n["url"], path + ".url",
                 "https is not supported yet (the gateway has no TLS): point url at a local TLS "
                 "proxy such as stunnel in client mode (server/notify/sms/README.md)");
      } else if (auto parsed = provider_url::parse(*url); !parsed) {
        r_.error(n["url"], path + ".url", parsed.error());
      } else {
        s.url = *url;
      }
    }
    if (auto t = r_.string(n, "body_template", path, false)) {
      if (t->find("{text}") == std::string::npos ||
          (t->find("{to}") == std::string::npos && t->find("{to_digits}") == std::string::npos))
        r_.error(n["body_template"], path + ".body_template",
                 "must contain {text} and {to} or {to_digits}");
      else
        s.body_template = *t;
    }
    if (auto c = r_.string(n, "content_type", path, false)) {
      if (c->empty() || has_line_break(*c))
        r_.error(n["content_type"], path + ".content_type", "must be one non-empty line");
      else
        s.content_type = *c;
    }
    read_headers(n, path, s.headers);
    if (auto v = positive_duration(n, "timeout", path)) s.timeout = *v;
    if (auto v = integer_in(n, "max_attempts", path, 1, 10)) s.max_attempts = static_cast<int>(*v);
    if (auto v = r_.duration(n, "backoff", path, false)) s.backoff = *v;
    if (auto v = integer_in(n, "max_in_flight", path, 1, 64)) s.max_in_flight = *v;
    if (auto v = integer_in(n, "max_queue", path, 1, 1'000'000)) s.max_queue = *v;
  }

  void read_headers(const YAML::Node& http, const std::string& http_path,
                    std::vector<std::pair<std::string, std::string>>& out) {
    const YAML::Node list = http["headers"];
    const std::string path = http_path + ".headers";
    if (!list.IsDefined() || list.IsNull()) return;
    if (!list.IsSequence()) {
      r_.error(list, path, "must be a list of {name, value} or {name, value_env}");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node h = list[i];
      const std::string p = index_path(path, i);
      if (!h.IsMap()) {
        r_.error(h, p, "must be a mapping {name, value} or {name, value_env}");
        continue;
      }
      r_.check_keys(h, p, {"name", "value", "value_env"});
      auto name = r_.string(h, "name", p, true);
      if (name && !is_token(*name)) {
        r_.error(h["name"], p + ".name", "is not a valid header name: \"" + *name + "\"");
        name.reset();
      } else if (name) {
        for (const char* reserved : {"Host", "Content-Length", "Transfer-Encoding", "Content-Type"})
          if (equals_ignoring_case(*name, reserved)) {
            r_.error(h["name"], p + ".name",
                     std::string(reserved) + " is set by the gateway" +
                         (equals_ignoring_case(*name, "Content-Type") ? " (use content_type)" : ""));
            name.reset();
            break;
          }
      }
      auto value = header_value(h, p);
      if (name && value) out.emplace_back(*name, *value);
    }
  }

  std::optional<std::string> header_value(const YAML::Node& h, const std::string& p) {
    const bool literal = h["value"].IsDefined(), from_env = h["value_env"].IsDefined();
    if (literal == from_env) {
      r_.error(h, p, "needs exactly one of `value` and `value_env`");
      return std::nullopt;
    }
    std::optional<std::string> value;
    if (literal) {
      value = r_.string(h, "value", p, true);
    } else if (auto var = r_.string(h, "value_env", p, true)) {
      const char* env = std::getenv(var->c_str());
      if (!env || !*env) {
        r_.error(h["value_env"], p + ".value_env",
                 "environment variable " + *var + (env ? " is empty" : " is not set"));
        return std::nullopt;
      }
      value = env;
    }
    if (value && has_line_break(*value)) {
      // Not echoed: the value may be a secret.
      r_.error(h[literal ? "value" : "value_env"], p + (literal ? ".value" : ".value_env"),
               "the header value must be one line");
      return std::nullopt;
    }
    return value;
  }

  config::yaml_reader& r_;
  const config::district& district_;
};

}  // namespace

sms_settings read_sms(const YAML::Node& sms, const config::district& district,
                      config::yaml_reader& reader) {
  return sms_parser(reader, district).parse(sms);
}

sms_result load_sms_string(const std::string& yaml, const config::district& district,
                           const std::string& file_name) {
  config::yaml_reader r(file_name);
  auto loaded = r.load(yaml);
  if (!loaded) return std::unexpected(r.take_errors());
  const YAML::Node& root = *loaded;  // const: operator[] must not add the key
  if (root.IsDefined() && !root.IsNull() && !root.IsMap()) {
    r.error(root, "", "the configuration must be a mapping");
    return std::unexpected(r.take_errors());
  }
  sms_settings out =
      read_sms(root.IsMap() ? root["sms"] : YAML::Node(YAML::NodeType::Undefined), district, r);
  if (!r.ok()) return std::unexpected(r.take_errors());
  return out;
}

sms_result load_sms_file(const fs::path& file, const config::district& district) {
  auto text = config::yaml_reader::read_file(file);
  if (!text) return std::unexpected(text.error());
  return load_sms_string(*text, district, file.string());
}

std::expected<std::unique_ptr<sms_gateway>, std::string> open_gateway(const sms_settings& s) {
  const std::string_view name = to_string(s.gateway);
  // The gateways' own errors may start with their name already ("smstools: …").
  const auto failed = [&](std::string error) {
    if (const std::string own = std::string(name) + ": "; error.starts_with(own))
      error.erase(0, own.size());
    return std::unexpected(fmt::format("sms gateway {}: {}", name, error));
  };
  switch (s.gateway) {
    case gateway_kind::log: {
      auto g = log_sms_gateway::open(s.log_file);
      if (!g) return failed(g.error());
      return std::move(*g);
    }
    case gateway_kind::smstools: {
      auto g = smstools_gateway::open(s.smstools);
      if (!g) return failed(g.error());
      return std::move(*g);
    }
    case gateway_kind::http: {
      auto g = http_sms_gateway::open(s.http);
      if (!g) return failed(g.error());
      return std::move(*g);
    }
  }
  return failed("unknown gateway");
}

}  // namespace campus::notify::sms
