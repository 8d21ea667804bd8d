// Who may do what on the broker, derived from the district configuration:
//
//   each device     user <device id>     write  campus/<site>/<zone>/<device id>/#   (nothing else)
//   the server      user campus-shield   read   <mqtt.subscription> (campus/#), writes nothing
//   the simulator   user campus-sim      write  campus/#   and  readwrite campus-sim/control/#
//
// A device's account can therefore publish only under its own topic: a stolen or hijacked
// device cannot speak for another one (the broker drops such a publish; the server also
// refuses a payload whose topic names another site or zone). The simulator is the demo's
// stand-in for all the devices at once, so it may publish for every one of them; on a real
// site it has no business on the broker, and `--no-simulator` leaves its account out. Its
// control channel (sim/mute_control.hpp) is outside campus/, which the server never reads.
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "config/district.hpp"

namespace campus::broker {

inline constexpr std::string_view default_server_username = "campus-shield";
inline constexpr std::string_view simulator_username = "campus-sim";

// mqtt.username when configured, else campus-shield.
std::string server_username(const config::mqtt_settings& mqtt);

enum class account_role { server, simulator, device };

struct topic_grant {
  std::string access;  // Mosquitto's words: read, write or readwrite
  std::string topic;   // a topic filter
};

struct broker_account {
  std::string username;
  account_role role = account_role::device;
  std::string note;  // one comment line in the ACL file (what the account is)
  std::vector<topic_grant> grants;
};

class access_plan {
 public:
  struct options {
    bool simulator = true;  // include the campus-sim account
  };

  // The accounts in a fixed order (server, simulator, then devices as configured). Errors (no
  // exception): a device id that collides with the server's or simulator's username, or an id,
  // site, zone or subscription that would not be a literal ACL topic (+, #, whitespace).
  static std::expected<access_plan, std::string> from(const config::district& d, options opts);
  static std::expected<access_plan, std::string> from(const config::district& d) {
    return from(d, options{});
  }

  const std::vector<broker_account>& accounts() const { return accounts_; }
  const broker_account* find(std::string_view username) const;

  // Mosquitto's acl_file: a `user` block per account with its `topic` lines. Anything not
  // granted is denied, and anonymous clients (no `user` block) are granted nothing.
  std::string acl_text(std::string_view source) const;

 private:
  std::vector<broker_account> accounts_;
};

}  // namespace campus::broker
