// Accepts TCP connections and starts an http_session for each, on a strand of its own: a TLS
// one when the session_context holds a certificate, a plain one otherwise.
// The acceptor itself lives on a strand too, so stop() may be called from any thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <expected>
#include <memory>
#include <string>

#include "net/session_context.hpp"

namespace campus::net {

class listener : public std::enable_shared_from_this<listener> {
 public:
  listener(boost::asio::io_context& io, std::shared_ptr<session_context> ctx);

  // Opens, binds and listens; returns the bound endpoint (port 0 becomes the chosen port).
  std::expected<boost::asio::ip::tcp::endpoint, std::string> open(
      const boost::asio::ip::tcp::endpoint& endpoint);
  // Starts accepting; the listener stays alive while an accept is pending.
  void run();
  // Closes the acceptor; the pending accept ends with operation_aborted. Thread-safe.
  void stop();

 private:
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<session_context> ctx_;
};

}  // namespace campus::net
