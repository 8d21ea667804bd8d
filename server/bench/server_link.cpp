#include "bench/server_link.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <sstream>

namespace campus::bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;

std::optional<http_answer> http_request(int port, const std::string& method,
                                        const std::string& target, const std::string& body,
                                        const std::string& token, const std::string& source) {
  try {
    asio::io_context io;
    boost::beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds{30});
    if (!source.empty()) {
      stream.socket().open(asio::ip::tcp::v4());
      stream.socket().bind(asio::ip::tcp::endpoint(asio::ip::make_address(source), 0));
    }
    stream.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(port)));
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(stream, buffer, parser);
    boost::system::error_code ec;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    return http_answer{static_cast<int>(parser.get().result_int()), parser.get().body()};
  } catch (const boost::system::system_error&) {
    return std::nullopt;
  }
}

std::optional<std::string> log_in(int port, const std::string& user, const std::string& password) {
  const auto body =
      boost::json::serialize(boost::json::object{{"user", user}, {"password", password}});
  auto r = http_request(port, "POST", "/api/login", body);
  if (!r || r->status != 200) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(r->body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const auto* t = v.as_object().if_contains("token");
  if (!t || !t->is_string()) return std::nullopt;
  return std::string(t->as_string());
}

std::map<std::string, double> read_metrics(int port) {
  std::map<std::string, double> out;
  auto r = http_request(port, "GET", "/metrics");
  if (!r || r->status != 200) return out;
  std::istringstream in(r->body);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    try {
      out[line.substr(0, space)] = std::stod(line.substr(space + 1));
    } catch (const std::exception&) {
    }
  }
  return out;
}

double metric_sum(const std::map<std::string, double>& metrics, const std::string& name) {
  double sum = 0;
  for (auto it = metrics.lower_bound(name); it != metrics.end(); ++it) {
    if (it->first.compare(0, name.size(), name) != 0) break;
    if (it->first.size() == name.size() || it->first[name.size()] == '{') sum += it->second;
  }
  return sum;
}

}  // namespace campus::bench
