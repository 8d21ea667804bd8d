#include "history/influx/http_exchange.hpp"

#include <fmt/format.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace campus::history {

namespace beast = boost::beast;
namespace http = beast::http;

void http_exchange::start(boost::asio::io_context& ioc, std::string host, std::string port,
                          request req, std::chrono::milliseconds timeout, handler done) {
  req.set(http::field::host, host + ":" + port);
  req.prepare_payload();
  auto self = std::make_shared<http_exchange>(ioc, std::move(req), timeout, std::move(done));
  // One deadline for the whole exchange; the resolver is instant for the IP literals we expect.
  self->stream_.expires_after(timeout);
  self->resolver_.async_resolve(
      host, port, [self](beast::error_code ec, boost::asio::ip::tcp::resolver::results_type r) {
        self->on_resolve(ec, std::move(r));
      });
}

http_exchange::http_exchange(boost::asio::io_context& ioc, request req,
                             std::chrono::milliseconds timeout, handler done)
    : resolver_(ioc),
      stream_(ioc),
      req_(std::move(req)),
      timeout_(timeout),
      done_(std::move(done)) {
  parser_.body_limit(std::uint64_t{256} << 20);  // query answers over long ranges can be large
}

void http_exchange::on_resolve(beast::error_code ec,
                               boost::asio::ip::tcp::resolver::results_type r) {
  if (ec) return finish(std::unexpected(fmt::format("resolve: {}", ec.message())));
  stream_.async_connect(
      r, [self = shared_from_this()](beast::error_code ec, const auto&) { self->on_connect(ec); });
}

void http_exchange::on_connect(beast::error_code ec) {
  if (ec) return finish(std::unexpected(fmt::format("connect: {}", ec.message())));
  http::async_write(stream_, req_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    self->on_write(ec);
  });
}

void http_exchange::on_write(beast::error_code ec) {
  if (ec) return finish(std::unexpected(fmt::format("write: {}", ec.message())));
  http::async_read(
      stream_, buffer_, parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void http_exchange::on_read(beast::error_code ec) {
  if (ec == beast::error::timeout)
    return finish(std::unexpected(fmt::format("no answer within {} ms", timeout_.count())));
  if (ec) return finish(std::unexpected(fmt::format("read: {}", ec.message())));
  auto res = parser_.release();
  finish(http_reply{res.result_int(), std::move(res.body())});
}

void http_exchange::finish(http_result r) {
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  if (auto done = std::move(done_)) done(std::move(r));
}

}  // namespace campus::history
