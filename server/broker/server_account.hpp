// The server's own broker login, found where `campus-shield broker-config` keeps it.
//
// When the configuration gives no mqtt.password, `serve` looks in
// <data_dir>/broker-secrets.yaml for the account named mqtt.username (campus-shield when
// unset) and, if it is there, logs in with it. So a deployment that runs broker-config with
// the server's data directory needs no password in its YAML (which is often shared or
// committed), and the demo needs no configuration change. Without the file, or without that
// account in it, the settings stay as configured (anonymous, or a username alone).
#pragma once

#include <expected>
#include <string>

#include "config/district.hpp"

namespace campus::broker {

// Applies the rule above to d.mqtt (call it after any --data-dir override). Returns whether
// the password came from the file; an error only for a secrets file that cannot be read.
std::expected<bool, std::string> apply_server_account(config::district& d);

}  // namespace campus::broker
