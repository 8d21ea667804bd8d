// credentials.yaml: the logins to hand out — one per device (to provision it) and the
// simulator's — written by `campus-shield broker-config` with mode 0600:
//
//   simulator:
//     username: campus-sim
//     password: "<password>"
//   devices:
//     gas-k1:                      # the device id
//       username: gas-k1
//       password: "<password>"
//
// The server's own login is not in it: the server reads <data_dir>/broker-secrets.yaml.
#pragma once

#include <expected>
#include <filesystem>
#include <string>
#include <string_view>

#include "broker/access_plan.hpp"
#include "broker/broker_secrets.hpp"

namespace campus::broker {

struct credential {
  std::string username;
  std::string password;
};

// The file's text for the plan's device and simulator accounts; every account must have a
// password in `secrets` (ensure() them first).
std::expected<std::string, std::string> credentials_yaml(const access_plan& plan,
                                                         const broker_secrets& secrets);

// The login whose username is `username` (the simulator's or a device's entry). Errors name
// the file; never throws.
std::expected<credential, std::string> read_credential(const std::filesystem::path& file,
                                                       std::string_view username);

}  // namespace campus::broker
