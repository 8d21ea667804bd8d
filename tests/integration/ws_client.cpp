#include "ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include <sstream>

namespace campus::test {

namespace beast = boost::beast;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

ws_client::ws_client() : ws_(io_) {}

bool ws_client::connect(int port, std::chrono::milliseconds timeout, const std::string& token,
                        const std::string& origin) {
  ws_.set_option(beast::websocket::stream_base::decorator(
      [token, origin](beast::websocket::request_type& req) {
        if (!token.empty()) req.set(beast::http::field::authorization, "Bearer " + token);
        if (!origin.empty()) req.set(beast::http::field::origin, origin);
      }));
  bool ok = false;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  if (receive_buffer_ > 0) {
    // Set before the connection exists, so that the window it advertises is the small one.
    auto& socket = beast::get_lowest_layer(ws_).socket();
    beast::error_code ec;
    socket.open(ep.protocol(), ec);
    if (!ec) socket.set_option(asio::socket_base::receive_buffer_size(receive_buffer_), ec);
    if (ec) return false;
  }
  beast::get_lowest_layer(ws_).expires_after(timeout);
  beast::get_lowest_layer(ws_).async_connect(ep, [&](beast::error_code ec) {
    if (ec) return;
    beast::get_lowest_layer(ws_).expires_never();
    ws_.async_handshake("127.0.0.1:" + std::to_string(port), "/ws",
                        [&](beast::error_code ec2) { ok = !ec2; });
  });
  io_.restart();
  io_.run_for(timeout);
  return ok;
}

bool ws_client::send(const std::string& text, std::chrono::milliseconds timeout) {
  bool ok = false;
  bool done = false;
  ws_.text(true);
  ws_.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) {
    done = true;
    ok = !ec;
  });
  io_.restart();
  io_.run_for(timeout);
  if (!done) {
    abandoned_ = true;
    beast::get_lowest_layer(ws_).close();
    io_.restart();
    io_.run();
  }
  return ok;
}

std::optional<boost::json::value> ws_client::next(std::chrono::milliseconds timeout) {
  beast::flat_buffer buffer;
  std::optional<boost::json::value> out;
  bool done = false;
  beast::error_code error;
  ws_.async_read(buffer, [&](beast::error_code ec, std::size_t) {
    done = true;
    error = ec;
    if (ec) return;
    boost::system::error_code pec;
    auto v = boost::json::parse(beast::buffers_to_string(buffer.data()), pec);
    if (!pec) out = std::move(v);
  });
  io_.restart();
  io_.run_for(timeout);
  // The server ended the connection (not our own timeout below).
  if (done && error && !abandoned_) closed_ = true;
  if (!done) {
    // Abandon the pending read: closing the socket completes it with an error.
    abandoned_ = true;
    beast::get_lowest_layer(ws_).close();
    io_.restart();
    io_.run();
  }
  return out;
}

std::optional<boost::json::value> ws_client::wait_for(
    const std::function<bool(const boost::json::value&)>& match,
    std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto m = next(left);
    if (!m) return std::nullopt;
    if (match(*m)) return m;
  }
  return std::nullopt;
}

namespace {

std::optional<http_reply> http_request(int port, boost::beast::http::verb verb,
                                       const std::string& target, const std::string* body,
                                       const std::string& token) {
  try {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                 static_cast<unsigned short>(port)));
    namespace http = beast::http;
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (body) {
      req.set(http::field::content_type, "application/json");
      req.body() = *body;
      req.prepare_payload();
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    return http_reply{static_cast<int>(res.result_int()), res.body()};
  } catch (const std::exception&) {
    return std::nullopt;  // not up yet, or gone: the caller decides
  }
}

}  // namespace

std::optional<http_reply> http_get(int port, const std::string& target,
                                   const std::string& token) {
  return http_request(port, boost::beast::http::verb::get, target, nullptr, token);
}

std::optional<http_reply> http_post(int port, const std::string& target, const std::string& body,
                                    const std::string& token) {
  return http_request(port, boost::beast::http::verb::post, target, &body, token);
}

std::optional<double> metric_value(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

}  // namespace campus::test
