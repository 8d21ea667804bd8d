// The broker accounts' passwords, kept in <data_dir>/broker-secrets.yaml (mode 0600) so that
// running `campus-shield broker-config` again keeps every password: devices already
// provisioned stay valid. Generated once per account; deleting an account's line from the
// file (then re-running broker-config) gives it a new one.
//
//   accounts:
//     campus-shield: "<password>"
//     campus-sim: "<password>"
//     gas-k1: "<password>"
#pragma once

#include <expected>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace campus::broker {

class broker_secrets {
 public:
  static constexpr const char* file_name = "broker-secrets.yaml";
  static std::filesystem::path path_in(const std::filesystem::path& data_dir) {
    return data_dir / file_name;
  }

  // Reads `file`. A missing file gives an empty set (the first run); an unreadable or
  // malformed one gives an error naming the file (and line), never an exception.
  static std::expected<broker_secrets, std::string> load(const std::filesystem::path& file);

  std::optional<std::string> password(std::string_view username) const;

  // The stored password of `username`, or a new random one, recorded now.
  std::expected<std::string, std::string> ensure(const std::string& username);

  // Forgets every account not in `usernames` (devices removed from the configuration).
  void keep_only(const std::set<std::string>& usernames);

  std::size_t size() const { return passwords_.size(); }
  std::size_t generated() const { return generated_; }  // by ensure() since load

  // Writes the file (mode 0600, atomically), creating its directory if needed.
  std::expected<void, std::string> save(const std::filesystem::path& file) const;

 private:
  std::map<std::string, std::string, std::less<>> passwords_;
  std::size_t generated_ = 0;
};

}  // namespace campus::broker
