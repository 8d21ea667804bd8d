#include "net/basic_http_session.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "core/log.hpp"
#include "net/basic_websocket_session.hpp"
#include "net/fail.hpp"

namespace campus::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp_socket = asio::ip::tcp::socket;

namespace {

// A client gets this long to finish the TLS handshake; a silent or plain-text client is cut.
constexpr auto handshake_timeout = std::chrono::seconds(10);
// How long our close_notify may wait for the client's.
constexpr auto shutdown_timeout = std::chrono::seconds(5);

}  // namespace

template <class Stream>
Stream basic_http_session<Stream>::make_stream(tcp_socket&& socket, session_context& ctx) {
  if constexpr (is_tls) {
    return Stream(std::move(socket), *ctx.tls);
  } else {
    return Stream(std::move(socket));
  }
}

template <class Stream>
basic_http_session<Stream>::basic_http_session(tcp_socket&& socket,
                                               std::shared_ptr<session_context> ctx,
                                               std::optional<address_guard::slot> slot)
    // The base is built first, from the socket's executor (its strand), before stream_ takes
    // the socket.
    : http_session(socket.get_executor(), std::move(ctx), is_tls, std::move(slot)),
      stream_(make_stream(std::move(socket), *ctx_)) {}

template <class Stream>
std::shared_ptr<basic_http_session<Stream>> basic_http_session<Stream>::self() {
  return std::static_pointer_cast<basic_http_session>(shared_from_this());
}

template <class Stream>
beast::tcp_stream& basic_http_session<Stream>::tcp() {
  return beast::get_lowest_layer(stream_);
}

template <class Stream>
void basic_http_session<Stream>::begin() {
  if constexpr (is_tls) {
    tcp().expires_after(handshake_timeout);
    stream_.async_handshake(ssl::stream_base::server,
                            beast::bind_front_handler(&basic_http_session::on_handshake, self()));
  } else {
    do_read();
  }
}

template <class Stream>
void basic_http_session<Stream>::on_handshake(beast::error_code ec) {
  if (!ec) return do_read();
  if (ec == asio::error::operation_aborted) return;  // the server is stopping
  // A plain-HTTP request, a scanner, an old client or one that never spoke: the connection
  // ends here (the session and its socket go with this handler).
  ctx_->tls_handshake_failures.inc();
  long suppressed = 0;
  if (ctx_->tls_failure_log.allow(suppressed)) {
    core::log(core::log_level::warn, "net: TLS handshake with {} failed: {}{}",
              slot_ ? slot_->address().to_string() : std::string("?"), ec.message(),
              suppressed ? fmt::format(" ({} similar messages not logged)", suppressed)
                         : std::string());
  }
}

template <class Stream>
void basic_http_session<Stream>::async_read_request(
    http::request_parser<http::string_body>& parser) {
  http::async_read(stream_, buffer_, parser,
                   [self = self()](beast::error_code ec, std::size_t bytes) {
                     // A TLS peer that closes without close_notify (browsers do) is gone.
                     if (ec == ssl::error::stream_truncated) return;
                     self->on_read(ec, bytes);
                   });
}

template <class Stream>
void basic_http_session<Stream>::async_write_response(http::message_generator&& response,
                                                      bool keep_alive) {
  beast::async_write(stream_, std::move(response),
                     beast::bind_front_handler(&basic_http_session::on_write, self(),
                                               keep_alive));
}

template <class Stream>
void basic_http_session<Stream>::upgrade(request req, auth::principal who) {
  std::make_shared<basic_websocket_session<Stream>>(std::move(stream_), ctx_, std::move(who),
                                                    std::move(slot_))
      ->run(std::move(req));
}

template <class Stream>
void basic_http_session<Stream>::shut_down() {
  if constexpr (is_tls) {
    // close_notify, so the client knows the response was complete; the socket closes with the
    // session when this completes (or times out).
    tcp().expires_after(shutdown_timeout);
    stream_.async_shutdown([self = self()](beast::error_code ec) {
      if (ec) {
        core::log(core::log_level::debug, "net: TLS shutdown: {}", ec.message());
      }
    });
  } else {
    // Half-close: the client reads the whole response, then sees end of stream.
    beast::error_code ec;
    stream_.socket().shutdown(tcp_socket::shutdown_send, ec);
  }
}

template class basic_http_session<beast::tcp_stream>;
template class basic_http_session<tls_stream>;

}  // namespace campus::net
