// A WebSocket client for tests: connects to the server's /ws and reads JSON messages with a
// deadline, so a test that waits for an alert fails cleanly instead of hanging.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace campus::test {

class ws_client {
 public:
  ws_client();
  // Connects to ws://127.0.0.1:port/ws; false on failure.
  // `token`: the session sent as `Authorization: Bearer` (empty: none); `origin`: an Origin
  // header to send (empty: none, as a non-browser client).
  bool connect(int port, std::chrono::milliseconds timeout = std::chrono::seconds(5),
               const std::string& token = {}, const std::string& origin = {});
  // Before connect(): the socket's receive buffer in bytes (SO_RCVBUF), as a page on a slow
  // link reads with a small window; 0 (the default) leaves the kernel's.
  void set_receive_buffer(int bytes) { receive_buffer_ = bytes; }
  // Sends a text message (a watch); false when it could not be written in time.
  bool send(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Next message, or nullopt when none arrives in time or the connection closed.
  std::optional<boost::json::value> next(std::chrono::milliseconds timeout);
  // True once the server closed the connection: a read ended in an error before its timeout.
  // (After a timeout the client closes the socket itself, and later reads fail at once: only
  // the first failing read counts.)
  bool closed() const { return closed_; }
  // Reads until a message satisfies `match`, or the deadline passes.
  std::optional<boost::json::value> wait_for(
      const std::function<bool(const boost::json::value&)>& match,
      std::chrono::milliseconds timeout);

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  bool closed_ = false;
  bool abandoned_ = false;  // we closed the socket after a timeout
  int receive_buffer_ = 0;
};

// A plain HTTP GET on 127.0.0.1; returns the status and body, or nullopt if unreachable.
struct http_reply {
  int status = 0;
  std::string body;
};
// `token` (optional) goes as `Authorization: Bearer`.
std::optional<http_reply> http_get(int port, const std::string& target,
                                   const std::string& token = {});
// A plain HTTP POST with a JSON body.
std::optional<http_reply> http_post(int port, const std::string& target, const std::string& body,
                                    const std::string& token = {});

// Reads one sample from Prometheus text: `name{labels} value`; nullopt when absent.
std::optional<double> metric_value(const std::string& metrics_text, const std::string& series);

}  // namespace campus::test
