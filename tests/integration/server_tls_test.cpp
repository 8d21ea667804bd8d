// campus-shield with http.tls: the real process, the sample district with a certificate made
// for the test (paths relative to the configuration file), a real Mosquitto. HTTPS login sets
// a Secure cookie, a gas leak reaches a WSS client, plain HTTP on the port gets nothing and is
// counted; a key of another certificate, or files that are not what they claim, stop the
// server or check-config with a clear message.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "campus_server.hpp"
#include "support/child_process.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/test_pki.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"
#include "tls_client.hpp"
#include "ws_client.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
namespace fs = std::filesystem;

constexpr const char* gas_topic = "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry";

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The sample district with `tls` (YAML lines under http:, indented by four) in its http
// section, written next to the certificates so that relative paths resolve there.
fs::path write_config(const fs::path& dir, const std::string& tls) {
  std::string yaml = read_text(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  const std::string from = "  dashboards: ../dashboards     # relative to this file\n";
  const auto at = yaml.find(from);
  if (at == std::string::npos) throw std::runtime_error("the sample's http section changed");
  yaml.replace(at, from.size(),
               "  dashboards: " + std::string(CAMPUS_SOURCE_DIR) + "/dashboards\n  tls:\n" + tls);
  const auto file = dir / "district.yaml";
  std::ofstream(file) << yaml;
  return file;
}

class server_tls_test : public testing::Test {
 protected:
  server_tls_test() : pki_(test_pki::make(dir_.path(), "tls")) {}

  // cert_file and key_file named relative to the configuration file.
  std::string pair(const fs::path& cert, const fs::path& key) const {
    return "    cert_file: " + cert.filename().string() +
           "\n    key_file: " + key.filename().string() + "\n";
  }

  std::optional<https_reply> get(int port, const std::string& target,
                                 const std::string& token = {}) {
    return https_request(port, pki_.ca_cert, target, std::nullopt, token);
  }

  temp_dir dir_;
  test_pki pki_;
  mosquitto_broker broker_;
};

TEST_F(server_tls_test, login_over_https_sets_a_secure_cookie_and_a_gas_leak_reaches_wss) {
  campus_server server(write_config(dir_.path(), pair(pki_.server_cert, pki_.server_key)),
                       broker_.port(), dir_.path());
  ASSERT_TRUE(wait_until([&] {
    auto r = get(server.port(), "/healthz");
    return r && r->status == 200;
  })) << "no HTTPS answer";

  auto login = https_request(server.port(), pki_.ca_cert, "/api/login",
                             json::serialize(json::object{
                                 {"user", "admin"},
                                 {"password", campus_server::password_of("admin")}}));
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  EXPECT_TRUE(login->set_cookie.starts_with("campus_session=")) << login->set_cookie;
  EXPECT_NE(login->set_cookie.find("; Secure"), std::string::npos) << login->set_cookie;
  EXPECT_NE(login->set_cookie.find("HttpOnly"), std::string::npos) << login->set_cookie;
  const std::string token(json::parse(login->body).at("token").as_string());

  auto me = get(server.port(), "/api/me", token);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200) << me->body;

  // The broker connection, seen over HTTPS.
  ASSERT_TRUE(wait_until([&] {
    auto m = get(server.port(), "/metrics", token);
    return m && metric_value(m->body, "campus_mqtt_connected") == 1.0;
  })) << "campus-shield did not connect to the broker";

  wss_client ws(pki_.ca_cert);
  ASSERT_TRUE(ws.connect(server.port(), token, 5s));
  auto snapshot = ws.next(5s);
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(snapshot->at("type").as_string(), "snapshot");
  EXPECT_EQ(snapshot->at("devices").as_array().size(), 39u);

  test_publisher pub(broker_.port());
  pub.publish(gas_topic, R"({"lel_pct":40,"co_ppm":3,"valve":"open","fault":false})");
  auto alert = ws.wait_for(
      [](const json::value& m) {
        return m.at("type").as_string() == "alert" &&
               m.at("alert").at("severity").as_string() == "red";
      },
      10s);
  EXPECT_TRUE(alert) << "no red alert over WSS";
}

TEST_F(server_tls_test, plain_http_to_the_tls_port_gets_nothing_is_counted_and_serving_goes_on) {
  campus_server server(write_config(dir_.path(), pair(pki_.server_cert, pki_.server_key)),
                       broker_.port(), dir_.path());
  ASSERT_TRUE(wait_until([&] {
    auto r = get(server.port(), "/healthz");
    return r && r->status == 200;
  })) << "no HTTPS answer";

  EXPECT_FALSE(http_get(server.port(), "/healthz")) << "plain HTTP answered on the TLS port";
  ws_client plain_ws;
  EXPECT_FALSE(plain_ws.connect(server.port(), 5s))
      << "plain ws:// accepted on the TLS port";

  // Both attempts counted; HTTPS still answers (and the process is still the same one).
  const std::string token = [&] {
    auto login = https_request(server.port(), pki_.ca_cert, "/api/login",
                               json::serialize(json::object{
                                   {"user", "admin"},
                                   {"password", campus_server::password_of("admin")}}));
    return login && login->status == 200
               ? std::string(json::parse(login->body).at("token").as_string())
               : std::string();
  }();
  ASSERT_FALSE(token.empty());
  ASSERT_TRUE(wait_until([&] {
    auto m = get(server.port(), "/metrics", token);
    return m && metric_value(m->body, "campus_http_tls_handshake_failures_total") >= 2.0;
  })) << "the failed handshakes were not counted";
  EXPECT_TRUE(server.process().running());
}

TEST_F(server_tls_test, a_key_of_another_certificate_stops_the_server_with_a_clear_message) {
  campus_server server(write_config(dir_.path(), pair(pki_.server_cert, pki_.other_key)),
                       broker_.port(), dir_.path());
  auto code = server.process().wait_exit(60s);
  ASSERT_TRUE(code) << "campus-shield kept running with a mismatched key";
  EXPECT_NE(*code, 0);
  const std::string log = read_text(server.process().log_file());
  EXPECT_NE(log.find("http.tls: the private key \"" + pki_.other_key.string() +
                     "\" does not match the certificate \"" + pki_.server_cert.string() + "\""),
            std::string::npos)
      << log;
}

TEST_F(server_tls_test, check_config_names_a_missing_or_wrong_file_with_its_line) {
  auto check = [&](const fs::path& config) {
    child_process p({CAMPUS_SHIELD_BINARY, "check-config", config.string()},
                    dir_.path() / "check.log");
    auto code = p.wait_exit(30s);
    return std::pair{code.value_or(-1), read_text(p.log_file())};
  };
  const auto missing = write_config(dir_.path(), pair("absent.crt", pki_.server_key));
  const std::string yaml = read_text(missing);
  const auto line = 1 + std::count(yaml.begin(), yaml.begin() + yaml.find("cert_file:"), '\n');
  auto [code, out] = check(missing);
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find(missing.string() + ":" + std::to_string(line) +
                     ": http.tls.cert_file: no such file \"" +
                     (dir_.path() / "absent.crt").string() + "\""),
            std::string::npos)
      << out;

  // The key given as the certificate: not a PEM certificate.
  fs::remove(dir_.path() / "check.log");
  auto [code2, out2] = check(write_config(dir_.path(), pair(pki_.server_key, pki_.server_key)));
  EXPECT_EQ(code2, 2);
  EXPECT_NE(out2.find("http.tls.cert_file: \"" + pki_.server_key.string() +
                      "\" holds no PEM certificate"),
            std::string::npos)
      << out2;
}

}  // namespace
}  // namespace campus::test
