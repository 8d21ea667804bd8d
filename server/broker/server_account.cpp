#include "broker/server_account.hpp"

#include "broker/access_plan.hpp"
#include "broker/broker_secrets.hpp"
#include "core/log.hpp"

namespace campus::broker {

std::expected<bool, std::string> apply_server_account(config::district& d) {
  if (!d.mqtt.password.empty()) return false;
  const auto file = broker_secrets::path_in(d.data_dir);
  auto secrets = broker_secrets::load(file);
  if (!secrets) return std::unexpected(secrets.error());
  const std::string username = server_username(d.mqtt);
  auto password = secrets->password(username);
  if (!password) return false;
  d.mqtt.username = username;
  d.mqtt.password = *password;
  core::log(core::log_level::info, "mqtt: logging in as {} with the password kept in {}",
            username, file.string());
  return true;
}

}  // namespace campus::broker
