// One dashboard connected at /ws. It first receives a snapshot of the district, then every
// reading and alert event the hub broadcasts. The session lives exactly while an operation
// (read, write, close or the close deadline) holds a shared_ptr to it.
//
// All state below is touched only on the session's strand (the socket's executor); send() and
// close() are the thread-safe entry points and post to it.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <memory>
#include <string>

#include "net/responses.hpp"
#include "net/send_queue.hpp"
#include "net/session_context.hpp"

namespace campus::net {

class websocket_session : public std::enable_shared_from_this<websocket_session> {
 public:
  // `slot`: the connection's hold on its address (address_guard), carried over from the HTTP
  // session; empty for connections not counted.
  // `who`: the session's user; the client gets only messages of the schools they may see.
  websocket_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<session_context> ctx,
                    auth::principal who, std::optional<address_guard::slot> slot = std::nullopt);

  // True when this client may receive a message about `site` (thread-safe: `who` is fixed).
  bool may_see(std::string_view site) const { return who_.may_see(site); }
  ~websocket_session();

  // Accepts the upgrade request read by http_session.
  void run(request req);

  // Queues a message (thread-safe). A non-null `coalesce_key` lets a newer message with the
  // same key replace this one while it waits (readings); null means never replaced (alerts).
  void send(std::shared_ptr<const std::string> message,
            std::shared_ptr<const std::string> coalesce_key);

  // Starts the closing handshake (thread-safe); pending messages are dropped.
  void close(boost::beast::websocket::close_reason reason);

 private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void enqueue(std::shared_ptr<const std::string> message, std::string_view coalesce_key);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void start_close(boost::beast::websocket::close_reason reason);
  void on_close(boost::beast::error_code ec);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  std::shared_ptr<session_context> ctx_;
  std::optional<address_guard::slot> slot_;  // after ctx_: released before the guard can go
  const auth::principal who_;
  boost::beast::flat_buffer buffer_;
  send_queue queue_;
  // Bounds a close that cannot complete: a client that reads nothing never lets the write in
  // progress finish, and the close frame waits behind it.
  boost::asio::steady_timer close_deadline_;
  bool joined_ = false;
  bool closing_ = false;
};

}  // namespace campus::net
