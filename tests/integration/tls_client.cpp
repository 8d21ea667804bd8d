#include "tls_client.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json/parse.hpp>

namespace campus::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

void trust_only(ssl::context& ctx, const std::filesystem::path& ca) {
  ctx.load_verify_file(ca.string());
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
}

tcp::endpoint loopback(int port) {
  return {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)};
}

}  // namespace

std::optional<https_reply> https_request(int port, const std::filesystem::path& ca,
                                         const std::string& target,
                                         const std::optional<std::string>& body,
                                         const std::string& token) {
  asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  trust_only(ctx, ca);
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  http::request<http::string_body> req{body ? http::verb::post : http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.keep_alive(false);
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (body) {
    req.set(http::field::content_type, "application/json");
    req.body() = *body;
    req.prepare_payload();
  }
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  std::optional<https_reply> out;
  // Asynchronous, so that the tcp_stream's deadline bounds every step.
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(stream).async_connect(loopback(port), [&](beast::error_code ec) {
    if (ec) return;
    stream.async_handshake(ssl::stream_base::client, [&](beast::error_code ec) {
      if (ec) return;
      http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
        if (ec) return;
        http::async_read(stream, buffer, res, [&](beast::error_code ec, std::size_t) {
          if (ec) return;
          out = https_reply{static_cast<int>(res.result_int()), res.body(),
                            std::string(res[http::field::set_cookie])};
        });
      });
    });
  });
  io.run();
  return out;
}

wss_client::wss_client(const std::filesystem::path& ca) : ctx_(ssl::context::tls_client) {
  trust_only(ctx_, ca);
  ws_.emplace(io_, ctx_);
}

bool wss_client::connect(int port, const std::string& token, std::chrono::milliseconds timeout) {
  ws_->set_option(beast::websocket::stream_base::decorator(
      [token](beast::websocket::request_type& req) {
        if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
      }));
  bool ok = false;
  beast::get_lowest_layer(*ws_).expires_after(timeout);
  beast::get_lowest_layer(*ws_).async_connect(loopback(port), [&](beast::error_code ec) {
    if (ec) return;
    ws_->next_layer().async_handshake(ssl::stream_base::client, [&](beast::error_code ec) {
      if (ec) return;
      beast::get_lowest_layer(*ws_).expires_never();
      ws_->async_handshake("127.0.0.1:" + std::to_string(port), "/ws",
                           [&](beast::error_code ec) { ok = !ec; });
    });
  });
  io_.restart();
  io_.run_for(timeout);
  return ok;
}

std::optional<boost::json::value> wss_client::next(std::chrono::milliseconds timeout) {
  beast::flat_buffer buffer;
  std::optional<boost::json::value> out;
  bool done = false;
  ws_->async_read(buffer, [&](beast::error_code ec, std::size_t) {
    done = true;
    if (ec) return;
    boost::system::error_code pec;
    auto v = boost::json::parse(beast::buffers_to_string(buffer.data()), pec);
    if (!pec) out = std::move(v);
  });
  io_.restart();
  io_.run_for(timeout);
  if (!done) {
    // Abandon the pending read: closing the socket completes it with an error.
    beast::get_lowest_layer(*ws_).close();
    io_.restart();
    io_.run();
  }
  return out;
}

std::optional<boost::json::value> wss_client::wait_for(
    const std::function<bool(const boost::json::value&)>& match,
    std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto m = next(left);
    if (!m) return std::nullopt;
    if (match(*m)) return m;
  }
  return std::nullopt;
}

}  // namespace campus::test
