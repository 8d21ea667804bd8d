#include "broker/broker_config_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <string>

#include "broker/broker_config.hpp"
#include "config/loader.hpp"

namespace campus::broker {
namespace {

int usage_error(const std::string& message) {
  fmt::print(stderr, "broker-config: {}\nusage:\n{}", message, broker_config_usage);
  return 2;
}

}  // namespace

int run_broker_config(std::span<const std::string_view> args) {
  std::string config_file, data_dir, out_dir;
  access_plan::options opts;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    auto value = [&](std::string& into) {
      if (i + 1 >= args.size() || args[i + 1].empty()) return false;
      into = std::string(args[++i]);
      return true;
    };
    bool ok = true;
    if (arg == "--config") ok = value(config_file);
    else if (arg == "--data-dir") ok = value(data_dir);
    else if (arg == "--out") ok = value(out_dir);
    else if (arg == "--no-simulator") opts.simulator = false;
    else return usage_error(fmt::format("unknown argument \"{}\"", arg));
    if (!ok) return usage_error(fmt::format("{} needs a value", arg));
  }
  if (config_file.empty()) return usage_error("--config FILE is required");
  if (out_dir.empty()) return usage_error("--out DIR is required");

  auto loaded = config::load_file(config_file);
  if (!loaded) {
    for (const auto& e : loaded.error()) fmt::print(stderr, "{}\n", e.to_string());
    return 2;
  }
  if (!data_dir.empty()) loaded->data_dir = data_dir;  // as `serve --data-dir` does
  auto files = write_broker_config(*loaded, out_dir, opts);
  if (!files) {
    fmt::print(stderr, "broker-config: {}\n", files.error());
    return 1;
  }
  fmt::print(
      "broker-config: {} accounts ({} new passwords)\n"
      "  {}  password_file (mode 0600)\n"
      "  {}  acl_file\n"
      "  {}  device and simulator logins (mode 0600)\n"
      "  {}  every password, reused on the next run (mode 0600)\n"
      "Mosquitto: allow_anonymous false, password_file and acl_file as above; restart it or\n"
      "send it SIGHUP to reload.\n",
      files->accounts, files->new_passwords, files->passwd.string(), files->acl.string(),
      files->credentials.string(), files->secrets.string());
  return 0;
}

}  // namespace campus::broker
