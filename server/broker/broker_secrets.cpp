#include "broker/broker_secrets.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

#include "broker/mosquitto_password.hpp"
#include "broker/private_file.hpp"

namespace campus::broker {

std::expected<broker_secrets, std::string> broker_secrets::load(const std::filesystem::path& file) {
  broker_secrets s;
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return s;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::unexpected("cannot read " + file.string());
  std::ostringstream text;
  text << in.rdbuf();
  try {
    const YAML::Node root = YAML::Load(text.str());
    if (!root || root.IsNull()) return s;
    const YAML::Node accounts = root["accounts"];
    if (!root.IsMap() || !accounts || !accounts.IsMap())
      return std::unexpected(file.string() + ": expected a mapping `accounts: {username: password}`");
    for (const auto& entry : accounts) {
      if (!entry.second.IsScalar() || entry.second.Scalar().empty()) {
        return std::unexpected(file.string() + ":" + std::to_string(entry.first.Mark().line + 1) +
                               ": account " + entry.first.Scalar() + " has no password");
      }
      s.passwords_[entry.first.Scalar()] = entry.second.Scalar();
    }
  } catch (const YAML::Exception& e) {
    return std::unexpected(file.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return s;
}

std::optional<std::string> broker_secrets::password(std::string_view username) const {
  if (auto it = passwords_.find(username); it != passwords_.end()) return it->second;
  return std::nullopt;
}

std::expected<std::string, std::string> broker_secrets::ensure(const std::string& username) {
  if (auto known = password(username)) return *known;
  auto fresh = new_password();
  if (!fresh) return std::unexpected(fresh.error());
  passwords_[username] = *fresh;
  ++generated_;
  return *fresh;
}

void broker_secrets::keep_only(const std::set<std::string>& usernames) {
  std::erase_if(passwords_, [&](const auto& entry) { return !usernames.contains(entry.first); });
}

std::expected<void, std::string> broker_secrets::save(const std::filesystem::path& file) const {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return std::unexpected("cannot create " + file.parent_path().string() + ": " + ec.message());
  YAML::Emitter out;
  out << YAML::Comment(
      "Broker account passwords, written by `campus-shield broker-config`. SECRET (mode 0600).\n"
      "Re-running broker-config keeps them; delete a line to give that account a new password.");
  out << YAML::BeginMap << YAML::Key << "accounts" << YAML::Value << YAML::BeginMap;
  for (const auto& [user, password] : passwords_)
    out << YAML::Key << user << YAML::Value << YAML::DoubleQuoted << password;
  out << YAML::EndMap << YAML::EndMap;
  return write_private_file(file, std::string(out.c_str()) + "\n");
}

}  // namespace campus::broker
