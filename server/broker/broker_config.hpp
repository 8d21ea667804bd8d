// `campus-shield broker-config`: the Mosquitto files for a district. Into `out_dir`:
//
//   passwd            password_file: one $7$ (PBKDF2-SHA512) hash per account     mode 0600
//   acl               acl_file: each account's topics (access_plan.hpp)            mode 0644
//   credentials.yaml  the device and simulator logins to hand out                  mode 0600
//
// and the passwords themselves in <data_dir>/broker-secrets.yaml (mode 0600), reused on every
// run: a re-run after adding a device gives only the new device a new password. Point
// Mosquitto at the files with `allow_anonymous false`, `password_file`, `acl_file`, and
// restart it (or send it SIGHUP) after each run.
#pragma once

#include <cstddef>
#include <expected>
#include <filesystem>
#include <string>

#include "broker/access_plan.hpp"
#include "config/district.hpp"

namespace campus::broker {

struct broker_files {
  std::filesystem::path passwd;
  std::filesystem::path acl;
  std::filesystem::path credentials;
  std::filesystem::path secrets;
  std::size_t accounts = 0;
  std::size_t new_passwords = 0;  // accounts that had none in the secrets file
};

// Uses d.data_dir for the secrets. The error says which file or which account; no exception.
std::expected<broker_files, std::string> write_broker_config(const config::district& d,
                                                             const std::filesystem::path& out_dir,
                                                             access_plan::options opts = {});

}  // namespace campus::broker
