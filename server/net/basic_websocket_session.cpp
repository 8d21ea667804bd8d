#include "net/basic_websocket_session.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/ssl.hpp>  // the closing handshake's teardown over TLS

namespace campus::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

// Dashboards send nothing but control frames; anything large is a misbehaving client.
constexpr std::size_t max_incoming_message = 4096;

}  // namespace

template <class Stream>
basic_websocket_session<Stream>::basic_websocket_session(Stream&& stream,
                                                         std::shared_ptr<session_context> ctx,
                                                         auth::principal who,
                                                         std::optional<address_guard::slot> slot)
    : websocket_session(stream.get_executor(), std::move(ctx), std::move(who), std::move(slot)),
      ws_(std::move(stream)) {}

template <class Stream>
std::shared_ptr<basic_websocket_session<Stream>> basic_websocket_session<Stream>::self() {
  return std::static_pointer_cast<basic_websocket_session>(shared_from_this());
}

template <class Stream>
beast::tcp_stream& basic_websocket_session<Stream>::tcp() {
  return beast::get_lowest_layer(ws_);
}

template <class Stream>
void basic_websocket_session<Stream>::async_accept(request req) {
  // The websocket stream has its own timeouts (handshake, idle with keep-alive pings); the
  // tcp_stream's would cut a quiet but healthy dashboard.
  tcp().expires_never();
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(http::field::server, "campus-shield");
  }));
  ws_.read_message_max(max_incoming_message);
  ws_.text(true);
  ws_.async_accept(req, beast::bind_front_handler(&basic_websocket_session::on_accept, self()));
}

template <class Stream>
void basic_websocket_session<Stream>::async_read_message(beast::flat_buffer& buffer) {
  ws_.async_read(buffer, [self = self()](beast::error_code ec, std::size_t bytes) {
    // A TLS peer that drops the connection without close_notify has simply gone away.
    if (ec == asio::ssl::error::stream_truncated) return;
    self->on_read(ec, bytes);
  });
}

template <class Stream>
void basic_websocket_session<Stream>::async_write_message(asio::const_buffer message) {
  ws_.async_write(message, beast::bind_front_handler(&basic_websocket_session::on_write, self()));
}

template <class Stream>
void basic_websocket_session<Stream>::async_close(websocket::close_reason reason) {
  ws_.async_close(reason, beast::bind_front_handler(&basic_websocket_session::on_close, self()));
}

template class basic_websocket_session<beast::tcp_stream>;
template class basic_websocket_session<tls_stream>;

}  // namespace campus::net
