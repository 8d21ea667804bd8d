// The configuration model: a district of schools (sites), their zones and devices, the rules,
// and how the server talks to the broker and serves HTTP. Loaded by loader.hpp.
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
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

struct mqtt_settings {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string client_id = "campus-shield";
  std::string subscription = "campus/#";
  int qos = 1;
  int keepalive_s = 30;
  bool clean_session = false;   // persistent session: QoS 1 messages wait while we reconnect
  std::string username;
  std::string password;
};

struct http_settings {
  std::string host = "0.0.0.0";
  int port = 8080;
  std::string dashboards_dir;   // static files; default: the dashboards/ folder of the install
  std::size_t ws_queue_limit = 1024;  // messages queued per WebSocket client before it is closed
};

struct ingest_settings {
  std::size_t max_payload_bytes = 64 * 1024;
  core::duration max_past{std::chrono::hours{24 * 7}};      // older `ts` is refused
  core::duration max_future{std::chrono::minutes{5}};       // newer `ts` is refused
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
  std::string source_file;

  const site* find_site(std::string_view id) const;
  const device* find_device(std::string_view id) const;
};

}  // namespace campus::config
