// A real InfluxDB 1.x (Debian's influxd) for one test: its own config, data directory and
// loopback ports, like mosquitto_broker. stop() and start() keep the ports and the data, so a
// test can take the database away and bring it back.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace campus::test {

class influxdb_server {
 public:
  struct response {
    int status = 0;
    std::string body;
  };

  // Picks two free ports (HTTP and the RPC service), writes influxdb.conf in a temporary
  // directory, starts influxd and waits until /ping answers 204. Throws std::runtime_error
  // (with the log tail) if it does not come up within 30 s. The binary is CAMPUS_INFLUXD
  // (environment) if set, else /usr/bin/influxd.
  influxdb_server();
  ~influxdb_server();

  influxdb_server(const influxdb_server&) = delete;
  influxdb_server& operator=(const influxdb_server&) = delete;

  int port() const { return http_port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(http_port_); }
  const std::filesystem::path& dir() const { return dir_.path(); }

  bool running() const;
  // SIGTERM and wait; the port stops answering. No-op when stopped.
  void stop();
  // Starts it again on the same ports with the same data; returns once /ping answers.
  void start();

  // CREATE DATABASE; throws std::runtime_error unless InfluxDB accepts it.
  void create_database(const std::string& name);

  // GET /query?db=...&epoch=ms&q=... and returns the JSON body; throws unless HTTP 200.
  std::string query(const std::string& database, const std::string& influxql);

  // POST /write?db=...&precision=... with the body as given.
  response write(const std::string& database, const std::string& lines,
                 const std::string& precision = "ms");

  // One HTTP/1.0 exchange with the server (Connection: close, body read to EOF). `target` is
  // the path and query string, already encoded. Throws std::runtime_error on socket errors.
  response request(const std::string& method, const std::string& target,
                   const std::string& body = {},
                   const std::string& content_type = "application/x-www-form-urlencoded");

  static std::string percent_encode(const std::string& s);
  std::string log_tail(std::size_t lines = 40) const;

 private:
  void write_config() const;
  bool ping();

  temp_dir dir_{"campus-influxdb-"};
  int http_port_;
  int rpc_port_;
  std::unique_ptr<child_process> process_;
};

}  // namespace campus::test
