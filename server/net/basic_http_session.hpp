// http_session over a given stream: beast::tcp_stream (http://) or tls_stream (https://, with
// the TLS handshake first and close_notify last). Only the transport lives here; what the
// session does is http_session's, one copy for both. Instantiated for those two streams in
// basic_http_session.cpp.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>
#include <optional>
#include <type_traits>

#include "net/http_session.hpp"
#include "net/tls_context.hpp"

namespace campus::net {

template <class Stream>
class basic_http_session final : public http_session {
 public:
  static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

  // For TLS, `ctx->tls` holds the server's certificate and must stay set.
  basic_http_session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<session_context> ctx,
                     std::optional<address_guard::slot> slot = std::nullopt);

 private:
  void begin() override;
  boost::beast::tcp_stream& tcp() override;
  void async_read_request(http::request_parser<http::string_body>& parser) override;
  void async_write_response(http::message_generator&& response, bool keep_alive) override;
  void upgrade(request req, auth::principal who) override;
  void shut_down() override;

  void on_handshake(boost::beast::error_code ec);
  std::shared_ptr<basic_http_session> self();
  static Stream make_stream(boost::asio::ip::tcp::socket&& socket, session_context& ctx);

  Stream stream_;
};

using plain_http_session = basic_http_session<boost::beast::tcp_stream>;
using tls_http_session = basic_http_session<tls_stream>;

extern template class basic_http_session<boost::beast::tcp_stream>;
extern template class basic_http_session<tls_stream>;

}  // namespace campus::net
