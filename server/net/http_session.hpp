// One HTTP connection: reads a request, answers it, and reads the next while the client keeps
// the connection alive. A WebSocket upgrade to /ws hands the socket to a websocket_session.
// Requests are answered one at a time (no pipelining), so at most one response is in flight.
// The session lives exactly while a read or write holds a shared_ptr to it, on its own strand.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <memory>
#include <optional>

#include "net/responses.hpp"
#include "net/session_context.hpp"

namespace campus::net {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<session_context> ctx);

  void run();

 private:
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void write(http::message_generator&& response);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<session_context> ctx_;
  // A fresh parser per request: its limits apply to each request separately.
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace campus::net
