// campus-shield: `serve --config FILE [--listen HOST:PORT] [--mqtt HOST:PORT]` runs the server;
// `check-config FILE` validates a configuration and names every error with its location;
// `broker-config` writes the broker's password and ACL files (server/broker/).
#include <malloc.h>

#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "app/application.hpp"
#include "auth/user_command.hpp"
#include "broker/broker_config_command.hpp"
#include "broker/server_account.hpp"
#include "config/loader.hpp"
#include "notify/duty/duty_config.hpp"
#include "notify/sms/sms_settings.hpp"
#include "core/log.hpp"

namespace {

constexpr const char* usage =
    "usage:\n"
    "  campus-shield serve --config FILE [--listen HOST:PORT] [--mqtt HOST:PORT]\n"
    "                      [--data-dir DIR] [--log-level debug|info|warn|error]\n"
    "  campus-shield check-config FILE\n"
    "  campus-shield user add NAME --role ROLE [--sites a,b] [--display NAME]\n"
    "                     (--config FILE | --data-dir DIR)   password on stdin\n"
    "  campus-shield user passwd|disable|enable NAME (--config FILE | --data-dir DIR)\n"
    "  campus-shield user list (--config FILE | --data-dir DIR)\n"
    "  campus-shield broker-config --config FILE [--data-dir DIR] --out DIR [--no-simulator]\n";

struct host_port {
  std::string host;
  int port = 0;
};

std::optional<host_port> parse_host_port(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  host_port hp{text.substr(0, colon), 0};
  try {
    std::size_t used = 0;
    hp.port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1 || hp.port < 0 || hp.port > 65535) return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return hp;
}

int report_errors(const std::vector<campus::config::config_error>& errors) {
  for (const auto& e : errors) std::cerr << e.to_string() << "\n";
  std::cerr << errors.size() << (errors.size() == 1 ? " error" : " errors")
            << " in the configuration\n";
  return 2;
}

// The district file's `duty:` section (roster and escalation) is read by notify/duty; a file
// without one is valid (nobody is on duty, notifications go to the dashboard only).
std::vector<campus::config::config_error> check_duty(const std::string& file,
                                                     const campus::config::district& d) {
  try {
    if (!YAML::LoadFile(file)["duty"]) return {};
  } catch (const YAML::Exception&) {
    return {};  // the district loader has reported the syntax error already
  }
  auto duty = campus::notify::duty::load_duty_file(file, d);
  return duty ? std::vector<campus::config::config_error>{} : duty.error();
}

// The district file's `sms:` section (gateway, language, rate limit) is read by notify/sms; a
// file without one is valid (the log gateway, sms.log in data_dir). The gateway is not opened
// here: its spool or provider may exist only where the server runs.
std::vector<campus::config::config_error> check_sms(const std::string& file,
                                                    const campus::config::district& d) {
  auto sms = campus::notify::sms::load_sms_file(file, d);
  return sms ? std::vector<campus::config::config_error>{} : sms.error();
}

int check_config(const std::string& file) {
  auto loaded = campus::config::load_file(file);
  if (!loaded) return report_errors(loaded.error());
  if (auto errors = check_duty(file, *loaded); !errors.empty()) return report_errors(errors);
  if (auto errors = check_sms(file, *loaded); !errors.empty()) return report_errors(errors);
  std::cout << file << ": ok (" << loaded->sites.size() << " sites, " << loaded->devices.size()
            << " devices, " << loaded->rules.size() << " rules)\n";
  return 0;
}

// What `serve` reads from the configuration file, with the command line applied.
struct server_files {
  std::vector<campus::config::config_error> errors;  // not empty: nothing else is set
  std::string fatal;                                  // likewise, for a message of its own
  std::optional<campus::config::district> district;
  campus::notify::duty::duty_result duty;  // an error when the file has no duty section
  std::optional<campus::notify::sms::sms_settings> sms;
};

server_files read_server_files(const std::string& config_file,
                               const std::optional<host_port>& listen,
                               const std::optional<host_port>& mqtt, const std::string& data_dir) {
  server_files out;
  auto loaded = campus::config::load_file(config_file);
  if (!loaded) {
    out.errors = loaded.error();
    return out;
  }
  if (listen) {
    loaded->http.host = listen->host;
    loaded->http.port = listen->port;
  }
  if (mqtt) {
    loaded->mqtt.host = mqtt->host;
    loaded->mqtt.port = mqtt->port;
  }
  if (!data_dir.empty()) loaded->data_dir = data_dir;
  // No mqtt.password: the server's account from <data_dir>/broker-secrets.yaml, if there.
  if (auto applied = campus::broker::apply_server_account(*loaded); !applied) {
    out.fatal = applied.error();
    return out;
  }
  // The sms section after --data-dir: the log gateway's file lands in the data directory.
  auto sms = campus::notify::sms::load_sms_file(config_file, *loaded);
  if (!sms) {
    out.errors = sms.error();
    return out;
  }
  out.sms = std::move(*sms);
  // One parse for a valid duty section; the file is read again only to tell a missing
  // section (nobody on duty) from a wrong one.
  out.duty = campus::notify::duty::load_duty_file(config_file, *loaded);
  if (!out.duty) {
    if (auto errors = check_duty(config_file, *loaded); !errors.empty()) {
      out.errors = std::move(errors);
      return out;
    }
  }
  out.district = std::move(*loaded);
  return out;
}

int serve(int argc, char** argv) {
  std::string config_file;
  std::string data_dir;
  std::optional<host_port> listen, mqtt;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (arg == "--config") {
      config_file = value().value_or("");
    } else if (arg == "--data-dir") {
      data_dir = value().value_or("");
      if (data_dir.empty()) {
        std::cerr << "--data-dir needs a directory\n" << usage;
        return 2;
      }
    } else if (arg == "--listen" || arg == "--mqtt") {
      auto v = value();
      auto hp = v ? parse_host_port(*v) : std::nullopt;
      if (!hp) {
        std::cerr << arg << " needs HOST:PORT, got \"" << v.value_or("") << "\"\n" << usage;
        return 2;
      }
      (arg == "--listen" ? listen : mqtt) = hp;
    } else if (arg == "--log-level") {
      auto v = value().value_or("");
      using campus::core::log_level;
      if (v == "debug") campus::core::set_log_level(log_level::debug);
      else if (v == "info") campus::core::set_log_level(log_level::info);
      else if (v == "warn") campus::core::set_log_level(log_level::warn);
      else if (v == "error") campus::core::set_log_level(log_level::error);
      else {
        std::cerr << "--log-level must be debug, info, warn or error\n";
        return 2;
      }
    } else {
      std::cerr << "unknown argument \"" << arg << "\"\n" << usage;
      return 2;
    }
  }
  if (config_file.empty()) {
    std::cerr << "serve needs --config FILE\n" << usage;
    return 2;
  }
  // The file is parsed on a scratch thread and what the server keeps is copied out of it.
  // yaml-cpp's nodes take kilobytes per device and the district's strings are allocated
  // among them; parsed in place, the district would stay scattered through every page the
  // parse touched (RSS 618 MiB at 100,000 devices with 160 MiB in use). The scratch thread
  // allocates from its own arena, which is handed back whole once the originals are gone.
  std::optional<server_files> parsed;
  std::thread([&] {
    parsed = read_server_files(config_file, listen, mqtt, data_dir);
  }).join();
  if (!parsed->errors.empty()) return report_errors(parsed->errors);
  if (!parsed->fatal.empty()) {
    std::cerr << parsed->fatal << "\n";
    return 2;
  }
  campus::config::district district = *parsed->district;
  auto duty = parsed->duty;
  auto sms = *parsed->sms;
  parsed.reset();
  ::malloc_trim(0);
  campus::app::application app(std::move(district), std::move(duty), std::move(sms));
  return app.run();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "serve") == 0) return serve(argc, argv);
  if (argc == 3 && std::strcmp(argv[1], "check-config") == 0) return check_config(argv[2]);
  if (argc >= 2 && std::strcmp(argv[1], "user") == 0) {
    const std::vector<std::string_view> args(argv + 2, argv + argc);
    return campus::auth::run_user_command(args, std::cin);
  }
  if (argc >= 2 && std::strcmp(argv[1], "broker-config") == 0)
    return campus::broker::run_broker_config(std::vector<std::string_view>(argv + 2, argv + argc));
  if (argc >= 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::cout << usage;
    return 0;
  }
  std::cerr << usage;
  return 2;
}
