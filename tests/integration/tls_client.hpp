// HTTPS and WSS clients for tests: they trust only the CA they are given and check that the
// server's certificate names 127.0.0.1. Every wait has a deadline, so a test fails cleanly
// instead of hanging.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace campus::test {

struct https_reply {
  int status = 0;
  std::string body;
  std::string set_cookie;  // the Set-Cookie header, empty when none
};

// One request over HTTPS to 127.0.0.1:port (a JSON `body` makes it a POST); `token` goes as
// `Authorization: Bearer`. nullopt when the connection or the TLS handshake fails.
std::optional<https_reply> https_request(int port, const std::filesystem::path& ca,
                                         const std::string& target,
                                         const std::optional<std::string>& body = std::nullopt,
                                         const std::string& token = {});

// A WebSocket client over TLS to /ws.
class wss_client {
 public:
  explicit wss_client(const std::filesystem::path& ca);
  // False when the TCP connection, the TLS handshake or the upgrade fails.
  bool connect(int port, const std::string& token, std::chrono::milliseconds timeout);
  // Next message, or nullopt when none arrives in time or the connection closed.
  std::optional<boost::json::value> next(std::chrono::milliseconds timeout);
  // Reads until a message satisfies `match`, or the deadline passes.
  std::optional<boost::json::value> wait_for(
      const std::function<bool(const boost::json::value&)>& match,
      std::chrono::milliseconds timeout);

 private:
  boost::asio::io_context io_;
  boost::asio::ssl::context ctx_;
  std::optional<boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>>
      ws_;
};

}  // namespace campus::test
