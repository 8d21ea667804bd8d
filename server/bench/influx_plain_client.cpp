#include "bench/influx_plain_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace campus::bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;

struct influx_plain_client::connection {
  asio::io_context io;
  boost::beast::tcp_stream stream{io};
  boost::beast::flat_buffer buffer;
  std::string host;
};

influx_plain_client::influx_plain_client(std::unique_ptr<connection> c) : c_(std::move(c)) {}
influx_plain_client::~influx_plain_client() = default;

std::expected<std::unique_ptr<influx_plain_client>, std::string> influx_plain_client::connect(
    int port) {
  auto c = std::make_unique<connection>();
  boost::system::error_code ec;
  c->stream.connect(asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(),
                                            static_cast<unsigned short>(port)),
                    ec);
  if (ec) return std::unexpected("influxd: connect: " + ec.message());
  c->stream.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  c->host = "127.0.0.1:" + std::to_string(port);
  return std::unique_ptr<influx_plain_client>(new influx_plain_client(std::move(c)));
}

std::expected<unsigned, std::string> influx_plain_client::post(const std::string& target,
                                                               const std::string& content_type,
                                                               std::string& body) {
  http::request<http::string_body> req{http::verb::post, target, 11};
  req.set(http::field::host, c_->host);
  req.set(http::field::user_agent, "campus-bench");
  req.set(http::field::content_type, content_type);
  req.keep_alive(true);
  req.body() = std::move(body);
  req.prepare_payload();
  boost::system::error_code ec;
  http::write(c_->stream, req, ec);
  body = std::move(req.body());
  if (ec) return std::unexpected("influxd: write: " + ec.message());
  http::response<http::string_body> res;
  http::read(c_->stream, c_->buffer, res, ec);
  if (ec) return std::unexpected("influxd: read: " + ec.message());
  return res.result_int();
}

std::expected<void, std::string> influx_plain_client::create_database(const std::string& name) {
  // The bench's database names are [a-z0-9_] only: nothing to quote or percent-encode.
  std::string body = "q=CREATE+DATABASE+" + name;
  auto status = post("/query", "application/x-www-form-urlencoded", body);
  if (!status) return std::unexpected(status.error());
  if (*status != 200) return std::unexpected("CREATE DATABASE " + name + ": HTTP " + std::to_string(*status));
  return {};
}

std::expected<unsigned, std::string> influx_plain_client::write(const std::string& database,
                                                                std::string& lines) {
  return post("/write?db=" + database + "&precision=ms", "text/plain; charset=utf-8", lines);
}

}  // namespace campus::bench
