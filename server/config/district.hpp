// The configuration model: a district of schools (sites), their zones and devices, the rules,
// and how the server talks to the broker and serves HTTP. Loaded by loader.hpp.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/reading.hpp"
#include "rules/rule.hpp"

namespace campus::config {

// Zone types the product knows; rules and compliance refer to them.
// canteen_kitchen, chemical_store, lab, water_zone, gate, boiler_room, dormitory, other
struct zone {
  std::string id;
  std::string type;
  std::string name;     // Chinese
  std::string name_en;
};

struct site {
  std::string id;
  std::string name;
  std::string name_en;
  std::string time_zone = "Asia/Shanghai";
  std::vector<zone> zones;

  const zone* find_zone(std::string_view id) const;
};

struct device {
  std::string id;       // unique in the district; the topic's <device> part
  std::string site;
  std::string zone;
  std::string family;   // an adapter family, e.g. "gas_detector"
  std::string name;
  std::string name_en;
  boost::json::object options;  // adapter options, passed to the family's factory
};

// TLS to the broker. Off unless ca_file is set; the files are checked at load time.
struct mqtt_tls_settings {
  std::string ca_file;     // PEM CA that signed the broker's certificate; set = TLS on
  std::string cert_file;   // client certificate (PEM), with key_file; optional
  std::string key_file;
  bool insecure = false;   // true: do not check that the certificate names mqtt.host

  bool enabled() const { return !ca_file.empty(); }
};

struct mqtt_settings {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string client_id = "campus-shield";
  std::string subscription = "campus/#";
  int qos = 1;
  int keepalive_s = 30;
  bool clean_session = false;   // persistent session: QoS 1 messages wait while we reconnect
  // Empty password with a username, or no username at all: `serve` looks the server's
  // account up in <data_dir>/broker-secrets.yaml (written by `campus-shield broker-config`).
  std::string username;
  std::string password;
  mqtt_tls_settings tls;
};

// HTTPS and WSS on the HTTP port. Off unless cert_file is set; then the port speaks only TLS
// (1.2 and later). The loader checks that both files exist and hold PEM; that the key matches
// the certificate and the certificate is valid now is checked when the server starts.
struct http_tls_settings {
  std::string cert_file;  // PEM: the server certificate first, then any intermediates
  std::string key_file;   // PEM private key of that certificate, without a passphrase

  bool enabled() const { return !cert_file.empty(); }
};

struct http_settings {
  std::string host = "0.0.0.0";
  int port = 8080;
  std::string dashboards_dir;   // static files; default: the dashboards/ folder of the install
  std::size_t ws_queue_limit = 1024;  // messages queued per WebSocket client before it is closed
  http_tls_settings tls;
  // The dashboard as phones and browsers reach it, for SMS links ("https://campus.example.cn/";
  // config/public_url.hpp). Empty: the address the server listens on once bound.
  std::string public_url;
};

struct ingest_settings {
  std::size_t max_payload_bytes = 64 * 1024;
  core::duration max_past{std::chrono::hours{24 * 7}};      // older `ts` is refused
  core::duration max_future{std::chrono::minutes{5}};       // newer `ts` is refused
  // Each message written to <data_dir>/journal before it is handled, so that a kill of the
  // server loses none the broker was told we have (docs/reliability.md). On unless false.
  bool journal = true;
};

// InfluxDB 1.x (or anything that accepts its /write endpoint, such as VictoriaMetrics).
struct influx_settings {
  std::string url = "http://127.0.0.1:8086";  // http://host:port, no path
  std::string database = "campus";
  std::string username;
  std::string password;
  std::size_t batch_size = 5000;              // points per POST
  core::duration flush_interval{1000};        // a partial batch goes out after this long
  core::duration timeout{5000};               // per request
  bool gzip = false;
  std::string spool_dir;                      // on-disk buffer while the database is away;
                                              // default <data_dir>/spool
  std::uint64_t spool_max_bytes = 1ull << 30; // beyond it the oldest spooled batches go (logged)
};

struct sqlite_settings {
  std::string path;                           // default <data_dir>/history.db
  core::duration retention{std::chrono::hours{24 * 400}};  // readings older are deleted
};

struct history_settings {
  enum class backend_kind { sqlite, influxdb };
  backend_kind backend = backend_kind::sqlite;
  sqlite_settings sqlite;
  influx_settings influxdb;
  // Readings waiting to be stored: above the high-water mark the server stops reading from the
  // broker until at most the low-water mark wait (docs/reliability.md, "Overload").
  std::size_t queue_high_water = 100'000;
  std::size_t queue_low_water = 50'000;
};

// The district's smart-security compliance goal (docs/bureau.md, "compliance:"). Without the
// section: target 90 %, window 15 min, nothing required (every rate is then null).
struct compliance_settings {
  double target_pct = 90.0;                                   // 1..100
  core::duration reporting_window{std::chrono::minutes{15}};  // at least 1 min
  // zone type → the device families every zone of that type must have, in file order
  std::map<std::string, std::vector<std::string>> required;
};

struct district {
  std::string id;
  std::string name;
  std::string name_en;
  std::vector<site> sites;
  std::vector<device> devices;
  std::vector<rules::rule_def> rules;
  mqtt_settings mqtt;
  http_settings http;
  ingest_settings ingest;
  history_settings history;
  compliance_settings compliance;
  std::string data_dir;        // state kept between runs; default "../var" from the file
  std::string source_file;

  // By id: through the index made by index() (the loader calls it), or by scanning the list
  // when the index does not know the id or no longer matches the list.
  const site* find_site(std::string_view id) const;
  const device* find_device(std::string_view id) const;
  void index();
  // The configured paths, or their defaults inside data_dir.
  std::string history_db_path() const;
  std::string spool_path() const;

 private:
  std::map<std::string, std::size_t, std::less<>> site_index_;    // id → position in sites
  std::map<std::string, std::size_t, std::less<>> device_index_;  // id → position in devices
};

}  // namespace campus::config
