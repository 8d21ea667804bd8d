// One HTTP/1.1 request to InfluxDB on a fresh connection, asynchronously, with one deadline
// for connect + write + read. A fresh connection per request keeps failure handling simple:
// a database restarted between two batches cannot leave a dead keep-alive connection that
// would turn the next batch into a spurious failure. Batches go out at most about once per
// flush interval, so the extra connect costs nothing worth a connection pool.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <string>

namespace campus::history {

struct http_reply {
  unsigned status = 0;
  std::string body;
};

// An error is a transport failure (refused, reset, timed out), described for the log.
using http_result = std::expected<http_reply, std::string>;

class http_exchange : public std::enable_shared_from_this<http_exchange> {
 public:
  using request = boost::beast::http::request<boost::beast::http::string_body>;
  using handler = std::function<void(http_result)>;

  // Sends `req` (Host and Content-Length are set here) to host:port and calls `done` once, on
  // an io_context thread. The exchange keeps itself alive until then.
  static void start(boost::asio::io_context& ioc, std::string host, std::string port, request req,
                    std::chrono::milliseconds timeout, handler done);

  http_exchange(boost::asio::io_context& ioc, request req, std::chrono::milliseconds timeout,
                handler done);

 private:
  void on_resolve(boost::beast::error_code ec, boost::asio::ip::tcp::resolver::results_type r);
  void on_connect(boost::beast::error_code ec);
  void on_write(boost::beast::error_code ec);
  void on_read(boost::beast::error_code ec);
  void finish(http_result r);

  boost::asio::ip::tcp::resolver resolver_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  request req_;
  boost::beast::http::response_parser<boost::beast::http::string_body> parser_;
  std::chrono::milliseconds timeout_;
  handler done_;
};

}  // namespace campus::history
