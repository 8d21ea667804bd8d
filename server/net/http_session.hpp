// One HTTP connection: reads a request, answers it, and reads the next while the client keeps
// the connection alive. A WebSocket upgrade to /ws hands the socket to a websocket_session.
// Requests are answered one at a time (no pipelining), so at most one response is in flight.
// A route may answer later (a history query): the session then reads nothing more until that
// reply is written. The session lives exactly while a read, a write, a reply timer or a
// pending reply holds a shared_ptr to it; everything it does runs on its own strand.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <cstdint>
#include <memory>
#include <optional>

#include "net/responses.hpp"
#include "net/request_context.hpp"
#include "net/session_context.hpp"

namespace campus::net {

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  // `slot`: the connection's hold on its address (see address_guard); empty: not counted.
  http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<session_context> ctx,
               std::optional<address_guard::slot> slot = std::nullopt);

  void run();

 private:
  // Who is asking (the session token's principal) and from where.
  request_context context_of(const request& req) const;
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void await_reply(deferred_response start, unsigned version);
  void on_reply(std::uint64_t ticket, string_response response);
  void on_reply_timeout(std::uint64_t ticket, unsigned version, boost::beast::error_code ec);
  void write(http::message_generator&& response);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void do_close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<session_context> ctx_;
  std::optional<address_guard::slot> slot_;  // after ctx_: released before the guard can go
  // A fresh parser per request: its limits apply to each request separately.
  std::optional<http::request_parser<http::string_body>> parser_;
  // Bounds the wait for a deferred reply; a store that never answers must not hold the
  // connection forever.
  boost::asio::steady_timer reply_timer_;
  // The ticket of the reply awaited, 0 when none: a reply arriving after its timeout answered
  // finds a different ticket and is dropped.
  std::uint64_t awaited_ = 0;
  std::uint64_t last_ticket_ = 0;
};

}  // namespace campus::net
