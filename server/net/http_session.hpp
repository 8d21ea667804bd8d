// One HTTP connection: reads a request, answers it, and reads the next while the client keeps
// the connection alive. A WebSocket upgrade to /ws hands the stream to a websocket_session.
// Requests are answered one at a time (no pipelining), so at most one response is in flight.
// A route may answer later (a history query): the session then reads nothing more until that
// reply is written. The session lives exactly while a read, a write, a reply timer or a
// pending reply holds a shared_ptr to it; everything it does runs on its own strand.
//
// This class is the whole of the HTTP logic, the same for plain TCP and TLS; it reaches the
// connection only through the few transport operations below, which basic_http_session
// implements once for each stream type (as Beast's advanced_server_flex splits its sessions).
#pragma once

#include <boost/asio/any_io_executor.hpp>
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
  virtual ~http_session() = default;
  http_session(const http_session&) = delete;
  http_session& operator=(const http_session&) = delete;

  // Starts the connection on its own strand (a TLS session shakes hands first).
  void run();

 protected:
  // `executor`: the connection's strand (its socket's executor). `secure`: the transport is
  // TLS (request_context.secure, so session cookies get `Secure`). `slot`: the connection's
  // hold on its address (see address_guard); empty: not counted.
  http_session(boost::asio::any_io_executor executor, std::shared_ptr<session_context> ctx,
               bool secure, std::optional<address_guard::slot> slot);

  // The transport, implemented by basic_http_session. Each asynchronous operation completes
  // into the matching on_* below, on the strand, holding the session alive meanwhile.
  virtual void begin() = 0;  // first thing on the strand: do_read(), or a TLS handshake first
  virtual boost::beast::tcp_stream& tcp() = 0;  // the lowest layer, for timeouts
  virtual void async_read_request(http::request_parser<http::string_body>& parser) = 0;
  virtual void async_write_response(http::message_generator&& response, bool keep_alive) = 0;
  // Hands the stream, `who` and the address slot to a new websocket_session that accepts `req`.
  virtual void upgrade(request req, auth::principal who) = 0;
  // Ends the connection once the last response is written (TCP half-close or TLS close_notify).
  virtual void shut_down() = 0;

  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);

  std::shared_ptr<session_context> ctx_;
  std::optional<address_guard::slot> slot_;  // after ctx_: released before the guard can go
  boost::beast::flat_buffer buffer_;

 private:
  // Who is asking (the session token's principal), from where, over what.
  request_context context_of(const request& req) const;
  void await_reply(deferred_response start, unsigned version);
  void on_reply(std::uint64_t ticket, string_response response);
  void on_reply_timeout(std::uint64_t ticket, unsigned version, boost::beast::error_code ec);
  void write(http::message_generator&& response);

  boost::asio::any_io_executor executor_;
  const bool secure_;
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
