// MQTT over TLS with a login: campus::mqtt::mqtt_client against a real Mosquitto whose
// listener uses a certificate made for the test (openssl CLI, in the test's temp dir), and the
// mqtt.tls section of the configuration.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <mutex>
#include <thread>

#include "account_client.hpp"
#include "broker/mosquitto_password.hpp"
#include "config/loader.hpp"
#include "mqtt/mqtt_client.hpp"
#include "support/child_process.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/wait_until.hpp"

namespace campus::test {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Runs /usr/bin/openssl with `args`; fails the test (with its output) unless it exits 0.
void openssl(const fs::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/openssl");
  child_process p(args, dir / "openssl.log");
  auto status = p.wait_exit(60s);
  ASSERT_EQ(status, 0) << p.log_tail();
}

// A CA and a broker certificate it signed, named by `alt_names` (e.g. "IP:127.0.0.1").
struct test_pki {
  fs::path ca_cert, server_cert, server_key;
};

test_pki make_pki(const fs::path& dir, const std::string& name, const std::string& alt_names) {
  test_pki pki{dir / (name + "-ca.crt"), dir / (name + "-server.crt"), dir / (name + "-server.key")};
  const auto ca_key = dir / (name + "-ca.key");
  const auto csr = dir / (name + "-server.csr");
  const auto ext = dir / (name + "-ext.cnf");
  std::ofstream(ext) << "subjectAltName=" << alt_names << "\n";
  openssl(dir, {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", ca_key.string(), "-out", pki.ca_cert.string(), "-days", "2",
                "-subj", "/CN=CampusShield test CA " + name, "-addext",
                "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=keyCertSign,cRLSign"});
  openssl(dir, {"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", pki.server_key.string(), "-out", csr.string(), "-subj",
                "/CN=campus broker"});
  openssl(dir, {"x509", "-req", "-in", csr.string(), "-CA", pki.ca_cert.string(), "-CAkey",
                ca_key.string(), "-CAcreateserial", "-out", pki.server_cert.string(), "-days",
                "2", "-extfile", ext.string()});
  return pki;
}

class io_thread {
 public:
  io_thread() : thread_([this] { io_.run(); }) {}
  ~io_thread() {
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_ = asio::make_work_guard(io_);
  std::thread thread_;
};

class mqtt_tls_test : public testing::Test {
 protected:
  // A TLS-only broker with its certificate from `pki`; with `password`, it also requires the
  // login "campus-shield" / password.
  void start_broker(const test_pki& pki, const std::string& password = "") {
    mosquitto_broker::options opts;
    opts.extra_config = {"cafile " + pki.ca_cert.string(), "certfile " + pki.server_cert.string(),
                         "keyfile " + pki.server_key.string()};
    if (!password.empty()) {
      std::ofstream(dir_ / "passwd")
          << "campus-shield:" << *broker::mosquitto_hash(password) << "\n";
      opts.extra_config.push_back("allow_anonymous false");
      opts.extra_config.push_back("password_file " + (dir_ / "passwd").string());
    }
    broker_ = std::make_unique<mosquitto_broker>(opts);
  }

  config::mqtt_settings settings(const fs::path& ca) {
    config::mqtt_settings s;
    s.port = broker_->port();
    s.client_id = "campus-tls-test";
    s.keepalive_s = 10;
    s.tls.ca_file = ca.string();
    return s;
  }

  temp_dir dir_;
  std::unique_ptr<mosquitto_broker> broker_;
  core::metrics metrics_;
  std::mutex mutex_;
  std::vector<std::string> payloads_;
  mqtt::mqtt_client::message_handler handler() {
    return [this](std::string_view, std::string_view payload) {
      std::lock_guard lock(mutex_);
      payloads_.emplace_back(payload);
    };
  }
  std::size_t received() {
    std::lock_guard lock(mutex_);
    return payloads_.size();
  }
};

TEST_F(mqtt_tls_test, connects_over_tls_with_its_login_and_receives) {
  auto pki = make_pki(dir_.path(), "good", "IP:127.0.0.1");
  start_broker(pki, "tls-and-password");
  auto s = settings(pki.ca_cert);
  s.username = "campus-shield";
  s.password = "tls-and-password";
  io_thread loop;
  mqtt::mqtt_client client(loop.io(), s, handler(), metrics_);
  client.start();
  ASSERT_TRUE(wait_until([&] { return client.connected(); })) << broker_->log_tail();

  // A publisher over TLS too (the broker has no plain listener), logged in the same way.
  account_client pub(broker_->port(), {"campus-shield", "tls-and-password", pki.ca_cert.string()});
  ASSERT_TRUE(pub.accepted()) << pub.connack();
  ASSERT_TRUE(wait_until(
      [&] {
        pub.publish("campus/s/z/d/telemetry", R"({"lel_pct":1})");
        return received() > 0;
      },
      20s, 100ms));
  std::lock_guard lock(mutex_);
  EXPECT_EQ(payloads_.front(), R"({"lel_pct":1})");
}

TEST_F(mqtt_tls_test, a_wrong_password_over_tls_is_refused) {
  auto pki = make_pki(dir_.path(), "good", "IP:127.0.0.1");
  start_broker(pki, "right");
  auto s = settings(pki.ca_cert);
  s.username = "campus-shield";
  s.password = "wrong";
  io_thread loop;
  mqtt::mqtt_client client(loop.io(), s, handler(), metrics_);
  client.start();
  ASSERT_TRUE(wait_until([&] { return metrics_.get("campus_mqtt_reconnects_total").value() >= 2; },
                         30s));
  EXPECT_FALSE(client.connected());
  EXPECT_NE(broker_->log_tail(100).find("not authorised"), std::string::npos)
      << broker_->log_tail();
}

TEST_F(mqtt_tls_test, a_broker_certificate_from_another_ca_is_refused) {
  auto pki = make_pki(dir_.path(), "good", "IP:127.0.0.1");
  auto rogue = make_pki(dir_.path(), "rogue", "IP:127.0.0.1");
  start_broker(rogue);  // the broker presents a certificate our CA never signed
  io_thread loop;
  mqtt::mqtt_client client(loop.io(), settings(pki.ca_cert), handler(), metrics_);
  client.start();
  ASSERT_TRUE(wait_until([&] { return metrics_.get("campus_mqtt_reconnects_total").value() >= 2; },
                         30s));
  EXPECT_FALSE(client.connected());
  EXPECT_EQ(metrics_.get("campus_mqtt_connected").value(), 0);
}

TEST_F(mqtt_tls_test, the_host_name_is_checked_unless_insecure) {
  // The certificate names a host, not the address we connect to.
  auto pki = make_pki(dir_.path(), "named", "DNS:broker.campus.test");
  start_broker(pki);
  {
    // The metrics before the loop: the client's pending handlers still count into them while
    // the loop's thread finishes (its state outlives the client object).
    core::metrics metrics;
    io_thread loop;
    mqtt::mqtt_client client(loop.io(), settings(pki.ca_cert), handler(), metrics);
    client.start();
    ASSERT_TRUE(wait_until([&] { return metrics.get("campus_mqtt_reconnects_total").value() >= 2; },
                           30s));
    EXPECT_FALSE(client.connected());
  }
  auto s = settings(pki.ca_cert);
  s.tls.insecure = true;  // still encrypted and signed by our CA; the name is not compared
  io_thread loop;
  mqtt::mqtt_client client(loop.io(), s, handler(), metrics_);
  client.start();
  EXPECT_TRUE(wait_until([&] { return client.connected(); })) << broker_->log_tail();
}

// --- The configuration: mqtt.tls ---------------------------------------------------------

const std::string district = R"(district: {id: d, name: 区}
sites:
  - id: s1
    name: 学校
    zones:
      - {id: kitchen, type: canteen_kitchen, name: 后厨}
)";

TEST_F(mqtt_tls_test, the_tls_section_resolves_files_next_to_the_configuration) {
  auto pki = make_pki(dir_.path(), "good", "IP:127.0.0.1");
  std::ofstream(dir_ / "site.yaml")
      << district << "mqtt:\n  username: campus-shield\n  tls:\n    ca_file: good-ca.crt\n"
      << "    cert_file: good-server.crt\n    key_file: good-server.key\n    insecure: true\n";
  auto d = config::load_file(dir_ / "site.yaml");
  ASSERT_TRUE(d) << d.error().front().to_string();
  EXPECT_TRUE(d->mqtt.tls.enabled());
  EXPECT_EQ(fs::path(d->mqtt.tls.ca_file), pki.ca_cert);
  EXPECT_EQ(fs::path(d->mqtt.tls.cert_file), pki.server_cert);
  EXPECT_EQ(fs::path(d->mqtt.tls.key_file), pki.server_key);
  EXPECT_TRUE(d->mqtt.tls.insecure);
}

TEST_F(mqtt_tls_test, tls_mistakes_are_reported_with_their_line) {
  auto pki = make_pki(dir_.path(), "good", "IP:127.0.0.1");
  struct bad_case {
    std::string mqtt;
    int line;
    std::string setting, message;
  };
  // The district text is 6 lines; "mqtt:" is line 7, "tls:" line 8, its first key line 9
  // (where a missing key of the tls mapping is reported).
  for (const auto& c : std::vector<bad_case>{
           {"mqtt:\n  tls:\n    ca_file: missing.pem\n", 9, "mqtt.tls.ca_file", "no such file"},
           {"mqtt:\n  tls:\n    cert_file: good-server.crt\n    key_file: good-server.key\n", 9,
            "mqtt.tls.ca_file", "required"},
           {"mqtt:\n  tls:\n    ca_file: good-ca.crt\n    cert_file: good-server.crt\n", 10,
            "mqtt.tls", "go together"},
           {"mqtt:\n  tls:\n    ca_file: good-ca.crt\n    insecure: maybe\n", 10,
            "mqtt.tls.insecure", ""},
           {"mqtt:\n  tls:\n    ca_file: good-ca.crt\n    verify: no\n", 10, "mqtt.tls.verify", ""},
           {"mqtt:\n  tls: yes\n", 8, "mqtt.tls", "mapping"},
           {"mqtt:\n  password: p\n", 8, "mqtt.password", "needs mqtt.username"},
       }) {
    std::ofstream(dir_ / "bad.yaml") << district << c.mqtt;
    auto d = config::load_file(dir_ / "bad.yaml");
    ASSERT_FALSE(d) << c.mqtt;
    const auto& e = d.error().front();
    EXPECT_EQ(e.line, c.line) << c.mqtt << e.to_string();
    EXPECT_EQ(e.setting, c.setting) << c.mqtt << e.to_string();
    EXPECT_NE(e.message.find(c.message), std::string::npos) << c.mqtt << e.to_string();
  }
}

}  // namespace
}  // namespace campus::test
