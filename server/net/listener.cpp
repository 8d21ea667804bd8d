#include "net/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "net/fail.hpp"
#include "net/basic_http_session.hpp"

namespace campus::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

listener::listener(asio::io_context& io, std::shared_ptr<session_context> ctx)
    : io_(io), acceptor_(asio::make_strand(io)), ctx_(std::move(ctx)) {}

std::expected<tcp::endpoint, std::string> listener::open(const tcp::endpoint& endpoint) {
  beast::error_code ec;
  auto failed = [&](const char* what) {
    return std::unexpected(std::string(what) + " " + endpoint.address().to_string() + ":" +
                           std::to_string(endpoint.port()) + ": " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return failed("cannot open socket for");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return failed("cannot set reuse_address on");
  acceptor_.bind(endpoint, ec);
  if (ec) return failed("cannot bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return failed("cannot listen on");
  auto bound = acceptor_.local_endpoint(ec);
  if (ec) return failed("cannot read the bound address of");
  return bound;
}

void listener::run() {
  asio::post(acceptor_.get_executor(),
             beast::bind_front_handler(&listener::do_accept, shared_from_this()));
}

void listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
}

void listener::do_accept() {
  // Each connection gets its own strand, so sessions run in parallel on a threaded io_context.
  acceptor_.async_accept(asio::make_strand(io_), beast::bind_front_handler(&listener::on_accept,
                                                                           shared_from_this()));
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    fail(ec, "accept");  // e.g. out of file descriptors: keep listening
  } else {
    beast::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    if (!peer_ec) {
      if (auto slot = ctx_->guard.admit(peer.address())) {
        // An alert frame goes out at once. With Nagle's algorithm it waited for the client's
        // ACK of the reading frame sent just before it, which a delayed ACK holds up to 40 ms.
        socket.set_option(tcp::no_delay(true), peer_ec);
        // The whole port speaks TLS or none of it: no plain-text fallback to downgrade to.
        if (ctx_->tls) {
          std::make_shared<tls_http_session>(std::move(socket), ctx_, std::move(slot))->run();
        } else {
          std::make_shared<plain_http_session>(std::move(socket), ctx_, std::move(slot))->run();
        }
      } else {
        socket.close(peer_ec);  // too many connections from that address: counted by the guard
      }
    }
  }
  do_accept();
}

}  // namespace campus::net
