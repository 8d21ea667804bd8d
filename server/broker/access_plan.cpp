#include "broker/access_plan.hpp"

#include <fmt/format.h>

#include <set>

namespace campus::broker {
namespace {

// Letters, digits and - _ . only (the configuration's identifiers): a topic level that is
// literal, with nothing Mosquitto's ACL or password file would read specially (+ # / : space).
bool literal_level(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A subscription filter for an ACL line: no whitespace or control characters (the ACL file
// is line- and space-separated); wildcards are fine there.
bool printable_filter(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (c <= ' ' || c == 0x7f) return false;
  return true;
}

}  // namespace

std::string server_username(const config::mqtt_settings& mqtt) {
  return mqtt.username.empty() ? std::string(default_server_username) : mqtt.username;
}

std::expected<access_plan, std::string> access_plan::from(const config::district& d,
                                                          options opts) {
  access_plan plan;
  const std::string server = server_username(d.mqtt);
  if (!literal_level(server))
    return std::unexpected(fmt::format("mqtt.username \"{}\" must be letters, digits, - _ .", server));
  if (!printable_filter(d.mqtt.subscription))
    return std::unexpected(fmt::format("mqtt.subscription \"{}\" cannot go into an ACL file",
                                       d.mqtt.subscription));
  std::set<std::string> taken{server};
  plan.accounts_.push_back({server, account_role::server,
                            "the server: reads every device's messages, publishes nothing",
                            {{"read", d.mqtt.subscription}}});
  if (opts.simulator) {
    if (!taken.insert(std::string(simulator_username)).second)
      return std::unexpected(fmt::format("mqtt.username must not be {} (the simulator's account)",
                                         simulator_username));
    plan.accounts_.push_back(
        {std::string(simulator_username), account_role::simulator,
         "the simulator (campus-sim): the demo's stand-in for every device, and its control "
         "channel",
         {{"write", "campus/#"}, {"readwrite", "campus-sim/control/#"}}});
  }
  for (const auto& dev : d.devices) {
    if (!literal_level(dev.id) || !literal_level(dev.site) || !literal_level(dev.zone))
      return std::unexpected(fmt::format(
          "device \"{}\" (site \"{}\", zone \"{}\"): ids must be letters, digits, - _ .", dev.id,
          dev.site, dev.zone));
    if (!taken.insert(dev.id).second)
      return std::unexpected(fmt::format(
          "device id \"{}\" is also the name of the {} account; rename the device", dev.id,
          dev.id == server ? "server's" : "simulator's"));
    plan.accounts_.push_back(
        {dev.id, account_role::device,
         fmt::format("device {} ({}, {}/{})", dev.id, dev.family, dev.site, dev.zone),
         {{"write", fmt::format("campus/{}/{}/{}/#", dev.site, dev.zone, dev.id)}}});
  }
  return plan;
}

const broker_account* access_plan::find(std::string_view username) const {
  for (const auto& a : accounts_)
    if (a.username == username) return &a;
  return nullptr;
}

std::string access_plan::acl_text(std::string_view source) const {
  std::string out = fmt::format(
      "# Mosquitto acl_file written by `campus-shield broker-config` from {}.\n"
      "# Do not edit: change the configuration and run broker-config again.\n"
      "# Whatever is not granted here is denied; anonymous clients are granted nothing.\n",
      source);
  for (const auto& a : accounts_) {
    out += fmt::format("\n# {}\nuser {}\n", a.note, a.username);
    for (const auto& g : a.grants) out += fmt::format("topic {} {}\n", g.access, g.topic);
  }
  return out;
}

}  // namespace campus::broker
