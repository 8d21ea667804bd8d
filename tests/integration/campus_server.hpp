// The campus-shield process an integration test talks to: `serve` with the given configuration
// on a free loopback port, against the test's broker, with its data directory and log file in
// the test's temporary directory (so no test touches the repository's var/). Its users are
// written into users.db before it starts (with libsodium's cheapest Argon2id parameters, which
// the hash string carries, so logging in is cheap too); each has the password password_of().
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "ws_client.hpp"

namespace campus::test {

struct test_user {
  std::string name;
  std::string role;                 // viewer, duty_leader, safety_director, bureau, admin
  std::vector<std::string> sites;   // empty for bureau and admin
  std::string display_name;
};

class campus_server {
 public:
  // An administrator of every school, the default user.
  static test_user admin() { return {"admin", "admin", {}, "管理员"}; }
  static std::string password_of(const std::string& user) { return "password-of-" + user; }

  // Starts the binary the test target names (CAMPUS_SHIELD_BINARY). Data in `dir`/data; users
  // already in its users.db (a restart) are kept.
  campus_server(const std::filesystem::path& config, int broker_port,
                const std::filesystem::path& dir, const std::vector<test_user>& users = {admin()});

  int port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  child_process& process() { return process_; }

  // True once /metrics reports the MQTT client connected (within the usual wait).
  bool wait_until_connected();
  // One sample from /metrics, e.g. metric("campus_readings_total"); -1 when unreachable or absent.
  double metric(const std::string& series);
  // SIGTERM, then SIGKILL after `grace`; the exit status (0 for a clean stop).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds{30}) {
    return process_.stop(grace);
  }

  // The session token of `user` (POST /api/login once, then remembered); empty on failure.
  std::string token(const std::string& user = "admin");
  // GET / POST as `user`.
  std::optional<http_reply> get(const std::string& target, const std::string& user = "admin");
  std::optional<http_reply> post(const std::string& target, const std::string& body,
                                 const std::string& user = "admin");
  // A WebSocket client connected as `user`; false when the connection failed.
  bool connect(ws_client& ws, const std::string& user = "admin");

 private:
  int port_;
  std::filesystem::path data_dir_;
  std::map<std::string, std::string> tokens_;
  child_process process_;
};

}  // namespace campus::test
