// websocket_session over a given stream: beast::tcp_stream (ws://) or tls_stream (wss://).
// Only the transport lives here; what the session does is websocket_session's, one copy for
// both. Instantiated for those two streams in basic_websocket_session.cpp.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <memory>
#include <optional>
#include <type_traits>

#include "net/tls_context.hpp"
#include "net/websocket_session.hpp"

namespace campus::net {

template <class Stream>
class basic_websocket_session final : public websocket_session {
 public:
  // `stream`: the connection the upgrade request came on (for TLS, after its handshake).
  basic_websocket_session(Stream&& stream, std::shared_ptr<session_context> ctx,
                          auth::principal who, std::optional<address_guard::slot> slot);

 private:
  void async_accept(request req) override;
  void async_read_message(boost::beast::flat_buffer& buffer) override;
  void async_write_message(boost::asio::const_buffer message) override;
  void async_close(boost::beast::websocket::close_reason reason) override;
  boost::beast::tcp_stream& tcp() override;

  std::shared_ptr<basic_websocket_session> self();

  boost::beast::websocket::stream<Stream> ws_;
};

using plain_websocket_session = basic_websocket_session<boost::beast::tcp_stream>;
using tls_websocket_session = basic_websocket_session<tls_stream>;

extern template class basic_websocket_session<boost::beast::tcp_stream>;
extern template class basic_websocket_session<tls_stream>;

}  // namespace campus::net
