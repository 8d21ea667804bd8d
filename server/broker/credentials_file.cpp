#include "broker/credentials_file.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace campus::broker {
namespace {

void emit(YAML::Emitter& out, const std::string& username, const std::string& password) {
  out << YAML::BeginMap << YAML::Key << "username" << YAML::Value << username << YAML::Key
      << "password" << YAML::Value << YAML::DoubleQuoted << password << YAML::EndMap;
}

}  // namespace

std::expected<std::string, std::string> credentials_yaml(const access_plan& plan,
                                                         const broker_secrets& secrets) {
  YAML::Emitter out;
  out << YAML::Comment(
      "Broker logins written by `campus-shield broker-config`. SECRET (mode 0600).\n"
      "Give each device its own entry; campus-sim --credentials reads the simulator's.");
  out << YAML::BeginMap;
  bool devices_open = false;
  for (const auto& a : plan.accounts()) {
    if (a.role == account_role::server) continue;
    auto password = secrets.password(a.username);
    if (!password) return std::unexpected("no password for account " + a.username);
    if (a.role == account_role::simulator) {
      out << YAML::Key << "simulator" << YAML::Value;
      emit(out, a.username, *password);
      continue;
    }
    if (!devices_open) {
      out << YAML::Key << "devices" << YAML::Value << YAML::BeginMap;
      devices_open = true;
    }
    out << YAML::Key << a.username << YAML::Value;
    emit(out, a.username, *password);
  }
  if (devices_open) out << YAML::EndMap;
  out << YAML::EndMap;
  if (!out.good()) return std::unexpected(std::string("credentials.yaml: ") + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

std::expected<credential, std::string> read_credential(const std::filesystem::path& file,
                                                       std::string_view username) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::unexpected("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  auto entry_of = [&](const YAML::Node& n) -> std::optional<credential> {
    if (!n.IsMap() || !n["username"] || !n["password"]) return std::nullopt;
    if (!n["username"].IsScalar() || !n["password"].IsScalar()) return std::nullopt;
    if (n["username"].Scalar() != username) return std::nullopt;
    return credential{n["username"].Scalar(), n["password"].Scalar()};
  };
  try {
    const YAML::Node root = YAML::Load(text.str());
    if (!root.IsMap())
      return std::unexpected(file.string() + ": not a credentials file (simulator:, devices:)");
    if (auto c = entry_of(root["simulator"])) return *c;
    if (const YAML::Node devices = root["devices"]; devices && devices.IsMap()) {
      for (const auto& d : devices)
        if (auto c = entry_of(d.second)) return *c;
    }
  } catch (const YAML::Exception& e) {
    return std::unexpected(file.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return std::unexpected(file.string() + ": no login for \"" + std::string(username) + "\"");
}

}  // namespace campus::broker
