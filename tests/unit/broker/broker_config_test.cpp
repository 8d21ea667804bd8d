#include "broker/broker_config.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "broker/broker_secrets.hpp"
#include "broker/credentials_file.hpp"
#include "broker/mosquitto_password.hpp"
#include "broker/server_account.hpp"
#include "config/loader.hpp"

namespace campus::broker {
namespace {

namespace fs = std::filesystem;

constexpr const char* district_yaml = R"(district: {id: d, name: 区}
sites:
  - id: s1
    name: 学校
    zones:
      - {id: kitchen, type: canteen_kitchen, name: 后厨}
    devices:
      - {id: gas-1, family: gas_detector, zone: kitchen}
      - {id: gas-2, family: gas_detector, zone: kitchen}
)";

class scratch {
 public:
  scratch() {
    std::string pattern = (fs::temp_directory_path() / "campus-broker-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~scratch() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

config::district district_in(const fs::path& data_dir, const std::string& yaml = district_yaml) {
  auto d = config::load_string(yaml);
  EXPECT_TRUE(d) << (d ? "" : d.error().front().to_string());
  d->data_dir = data_dir.string();
  return std::move(*d);
}

unsigned mode_of(const fs::path& p) {
  struct stat st{};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, std::string> passwd_entries(const fs::path& p) {
  std::map<std::string, std::string> out;
  std::istringstream in(read(p));
  for (std::string line; std::getline(in, line);) {
    auto colon = line.find(':');
    EXPECT_NE(colon, std::string::npos) << line;
    out[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return out;
}

TEST(broker_config, writes_passwd_acl_and_credentials_with_private_modes) {
  scratch tmp;
  auto files = write_broker_config(district_in(tmp.path() / "data"), tmp.path() / "broker");
  ASSERT_TRUE(files) << files.error();
  EXPECT_EQ(files->accounts, 4u);  // server, simulator, two devices
  EXPECT_EQ(files->new_passwords, 4u);
  EXPECT_EQ(mode_of(files->passwd), 0600u);
  EXPECT_EQ(mode_of(files->credentials), 0600u);
  EXPECT_EQ(mode_of(files->secrets), 0600u);
  EXPECT_EQ(mode_of(files->acl), 0644u);
  EXPECT_EQ(files->secrets, tmp.path() / "data" / "broker-secrets.yaml");
  EXPECT_NE(read(files->acl).find("user gas-2\ntopic write campus/s1/kitchen/gas-2/#\n"),
            std::string::npos);
}

TEST(broker_config, every_passwd_hash_verifies_against_the_login_handed_out) {
  scratch tmp;
  auto files = write_broker_config(district_in(tmp.path() / "data"), tmp.path() / "broker");
  ASSERT_TRUE(files) << files.error();
  auto entries = passwd_entries(files->passwd);
  ASSERT_EQ(entries.size(), 4u);
  auto secrets = broker_secrets::load(files->secrets);
  ASSERT_TRUE(secrets) << secrets.error();
  for (const char* user : {"campus-sim", "gas-1", "gas-2"}) {
    auto login = read_credential(files->credentials, user);
    ASSERT_TRUE(login) << login.error();
    EXPECT_EQ(login->username, user);
    EXPECT_TRUE(mosquitto_hash_matches(entries[user], login->password)) << user;
    EXPECT_EQ(secrets->password(user), login->password);
    // A device's password is not another device's.
    EXPECT_FALSE(mosquitto_hash_matches(entries[user == std::string("gas-1") ? "gas-2" : "gas-1"],
                                        login->password));
  }
  // The server's login is in the secrets only, not in the file handed out.
  EXPECT_TRUE(mosquitto_hash_matches(entries["campus-shield"], *secrets->password("campus-shield")));
  EXPECT_FALSE(read_credential(files->credentials, "campus-shield"));
}

TEST(broker_config, running_again_keeps_passwords_and_adds_only_new_devices) {
  scratch tmp;
  const fs::path data = tmp.path() / "data", out = tmp.path() / "broker";
  ASSERT_TRUE(write_broker_config(district_in(data), out));
  auto gas1 = read_credential(out / "credentials.yaml", "gas-1");
  ASSERT_TRUE(gas1);

  std::string more = std::string(district_yaml) +
                     "      - {id: gas-9, family: gas_detector, zone: kitchen}\n";
  more.replace(more.find("      - {id: gas-2"), std::string("      - {id: gas-2, family: gas_detector, zone: kitchen}\n").size(), "");
  auto again = write_broker_config(district_in(data, more), out);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->new_passwords, 1u);  // gas-9
  EXPECT_EQ(read_credential(out / "credentials.yaml", "gas-1")->password, gas1->password);
  auto entries = passwd_entries(out / "passwd");
  EXPECT_TRUE(mosquitto_hash_matches(entries["gas-1"], gas1->password));
  EXPECT_TRUE(entries.contains("gas-9"));
  // The removed device can no longer log in, and its password is forgotten.
  EXPECT_FALSE(entries.contains("gas-2"));
  EXPECT_FALSE(broker_secrets::load(data / "broker-secrets.yaml")->password("gas-2"));
}

TEST(broker_config, a_broken_secrets_file_is_an_error_not_new_passwords) {
  scratch tmp;
  fs::create_directories(tmp.path() / "data");
  std::ofstream(tmp.path() / "data" / "broker-secrets.yaml") << "accounts: [unclosed\n";
  auto files = write_broker_config(district_in(tmp.path() / "data"), tmp.path() / "broker");
  ASSERT_FALSE(files);
  EXPECT_NE(files.error().find("broker-secrets.yaml"), std::string::npos) << files.error();
  EXPECT_FALSE(fs::exists(tmp.path() / "broker" / "passwd"));
}

TEST(server_account, serve_logs_in_with_the_account_kept_in_the_data_dir) {
  scratch tmp;
  const fs::path data = tmp.path() / "data";
  ASSERT_TRUE(write_broker_config(district_in(data), tmp.path() / "broker"));
  const auto stored = broker_secrets::load(data / "broker-secrets.yaml")->password("campus-shield");

  auto d = district_in(data);
  auto applied = apply_server_account(d);
  ASSERT_TRUE(applied) << applied.error();
  EXPECT_TRUE(*applied);
  EXPECT_EQ(d.mqtt.username, "campus-shield");
  EXPECT_EQ(d.mqtt.password, stored);
}

TEST(server_account, a_configured_password_or_a_missing_file_changes_nothing) {
  scratch tmp;
  const fs::path data = tmp.path() / "data";
  auto none = district_in(data);
  EXPECT_FALSE(*apply_server_account(none));  // no secrets file: anonymous as configured
  EXPECT_EQ(none.mqtt.username, "");

  ASSERT_TRUE(write_broker_config(district_in(data), tmp.path() / "broker"));
  auto explicit_login = district_in(data, std::string(district_yaml) +
                                              "mqtt: {username: u, password: p}\n");
  EXPECT_FALSE(*apply_server_account(explicit_login));
  EXPECT_EQ(explicit_login.mqtt.password, "p");

  auto other_user = district_in(data, std::string(district_yaml) + "mqtt: {username: other}\n");
  EXPECT_FALSE(*apply_server_account(other_user));  // not in the file: stays a bare username
  EXPECT_EQ(other_user.mqtt.password, "");
}

TEST(credentials_file, unknown_login_and_unreadable_file_are_errors) {
  scratch tmp;
  EXPECT_FALSE(read_credential(tmp.path() / "missing.yaml", "campus-sim"));
  std::ofstream(tmp.path() / "bad.yaml") << "simulator: [\n";
  EXPECT_FALSE(read_credential(tmp.path() / "bad.yaml", "campus-sim"));
  ASSERT_TRUE(write_broker_config(district_in(tmp.path() / "data"), tmp.path() / "broker"));
  auto missing = read_credential(tmp.path() / "broker" / "credentials.yaml", "gas-7");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("gas-7"), std::string::npos);
}

}  // namespace
}  // namespace campus::broker
