// The reference of the history phase: a plain InfluxDB 1.x client. One keep-alive HTTP/1.1
// connection, blocking calls, one request at a time — what any small script posting line
// protocol does. It is the bench's, not the server's: it has no spool, retry or timeout of its
// own beyond the socket's.
#pragma once

#include <expected>
#include <memory>
#include <string>

namespace campus::bench {

class influx_plain_client {
 public:
  // Connects to 127.0.0.1:port.
  static std::expected<std::unique_ptr<influx_plain_client>, std::string> connect(int port);
  ~influx_plain_client();
  influx_plain_client(const influx_plain_client&) = delete;
  influx_plain_client& operator=(const influx_plain_client&) = delete;

  // POST /query q=CREATE DATABASE <name>; an error names the status or the failure.
  std::expected<void, std::string> create_database(const std::string& name);

  // POST /write?db=<database>&precision=ms with `lines` as the body; the HTTP status
  // (204 when InfluxDB took every point), or the transport failure. `lines` is moved into the
  // request and handed back unchanged, so a caller can reuse its buffer.
  std::expected<unsigned, std::string> write(const std::string& database, std::string& lines);

 private:
  struct connection;
  explicit influx_plain_client(std::unique_ptr<connection> c);
  std::expected<unsigned, std::string> post(const std::string& target,
                                            const std::string& content_type, std::string& body);
  std::unique_ptr<connection> c_;
};

}  // namespace campus::bench
