#include "notify/sms/http_sms_gateway.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "notify/sms/http_body_template.hpp"
#include "notify/sms/phone_number.hpp"

namespace campus::notify::sms {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

core::time_point wall_now() { return core::system_clock{}.now(); }

std::string cut(std::string s, std::size_t n = 300) {
  if (s.size() > n) {
    s.resize(n);
    // Do not leave half a UTF-8 character at the end.
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xC0) == 0x80) s.pop_back();
    if (!s.empty() && static_cast<unsigned char>(s.back()) >= 0xC0) s.pop_back();
    s += "…";
  }
  return s;
}

}  // namespace

std::expected<std::unique_ptr<http_sms_gateway>, std::string> http_sms_gateway::open(
    http_sms_settings s) {
  auto url = provider_url::parse(s.url);
  if (!url) return std::unexpected(url.error());
  if (s.timeout.count() <= 0)
    return std::unexpected(
        fmt::format("sms http: timeout must be positive: {} ms", s.timeout.count()));
  if (s.max_attempts < 1)
    return std::unexpected(
        fmt::format("sms http: max_attempts must be at least 1: {}", s.max_attempts));
  if (s.max_in_flight < 1 || s.max_queue < 1)
    return std::unexpected("sms http: max_in_flight and max_queue must be at least 1");
  if (s.backoff.count() < 0)
    return std::unexpected(
        fmt::format("sms http: backoff must not be negative: {} ms", s.backoff.count()));
  return std::unique_ptr<http_sms_gateway>(new http_sms_gateway(std::move(s), std::move(*url)));
}

http_sms_gateway::http_sms_gateway(http_sms_settings settings, provider_url url)
    : settings_(std::move(settings)), url_(std::move(url)) {}

http_sms_gateway::~http_sms_gateway() { thread_.stop(); }

void http_sms_gateway::send(sms_message message, delivery_callback on_result) {
  asio::post(thread_.context(),
             [this, j = job{std::move(message), std::move(on_result)}]() mutable {
               enqueue(std::move(j));
             });
}

void http_sms_gateway::enqueue(job j) {
  auto fail_now = [&](std::string reason) {
    core::log(core::log_level::warn, "sms {} to {} failed: {}", j.message.id, j.message.to, reason);
    if (j.on_result) j.on_result({j.message.id, delivery_status::failed, reason, wall_now()});
  };
  if (!is_e164(j.message.to))
    return fail_now(fmt::format("not an E.164 number: '{}'", j.message.to));
  if (queue_.size() >= settings_.max_queue)
    return fail_now(fmt::format("sms http: {} messages already waiting", settings_.max_queue));
  queue_.push_back(std::move(j));
  start_next();
}

void http_sms_gateway::start_next() {
  while (in_flight_ < settings_.max_in_flight && !queue_.empty()) {
    ++in_flight_;
    auto j = std::move(queue_.front());
    queue_.pop_front();
    // The coroutine lives in the io_context; it is destroyed with it if the gateway stops.
    asio::co_spawn(thread_.context(), deliver(std::move(j)), asio::detached);
  }
}

asio::awaitable<void> http_sms_gateway::deliver(job j) {
  const auto body = render_http_body(settings_.body_template, j.message);
  std::string last_reason;
  delivery_status outcome = delivery_status::failed;
  auto delay = settings_.backoff;
  for (int attempt = 1; attempt <= settings_.max_attempts; ++attempt) {
    auto r = co_await post_once(body);
    bool retry = false;
    if (!r) {
      last_reason = r.error();
      retry = true;
    } else if (r->status >= 200 && r->status < 300) {
      outcome = delivery_status::sent;
      last_reason = fmt::format("accepted by the provider (HTTP {})", r->status);
      break;
    } else if (r->status >= 500) {
      last_reason = fmt::format("HTTP {}: {}", r->status, cut(r->body));
      retry = true;
    } else {
      last_reason = fmt::format("HTTP {}: {}", r->status, cut(r->body));
      break;  // the provider refused this message; sending it again would not help
    }
    if (!retry || attempt == settings_.max_attempts) {
      if (retry) last_reason = fmt::format("after {} attempts: {}", attempt, last_reason);
      break;
    }
    core::log(core::log_level::info, "sms {}: attempt {} failed ({}), retrying in {} ms",
              j.message.id, attempt, last_reason, delay.count());
    asio::steady_timer timer(co_await asio::this_coro::executor, delay);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    delay *= 2;
  }
  if (outcome == delivery_status::failed)
    core::log(core::log_level::warn, "sms {} to {} failed: {}", j.message.id, j.message.to,
              last_reason);
  if (j.on_result) j.on_result({j.message.id, outcome, last_reason, wall_now()});
  --in_flight_;
  start_next();
}

asio::awaitable<std::expected<http_sms_gateway::reply, std::string>> http_sms_gateway::post_once(
    const std::string& body) {
  auto ex = co_await asio::this_coro::executor;
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(ex);
  beast::tcp_stream stream(ex);
  // One deadline for the whole attempt: a provider that accepts and then stalls still times out.
  stream.expires_after(settings_.timeout);
  auto endpoints = co_await resolver.async_resolve(url_.host, url_.port,
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::unexpected(fmt::format("resolve {}: {}", url_.host, ec.message()));
  co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == beast::error::timeout)
    co_return std::unexpected(
        fmt::format("connect: no answer within {} ms", settings_.timeout.count()));
  if (ec) co_return std::unexpected(fmt::format("connect: {}", ec.message()));

  http::request<http::string_body> req{http::verb::post, url_.target, 11};
  req.set(http::field::host, url_.host + ":" + url_.port);
  req.set(http::field::user_agent, "campus-shield");
  req.set(http::field::content_type, settings_.content_type);
  for (const auto& [name, value] : settings_.headers) req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == beast::error::timeout)
    co_return std::unexpected(
        fmt::format("send: no answer within {} ms", settings_.timeout.count()));
  if (ec) co_return std::unexpected(fmt::format("send: {}", ec.message()));

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024);  // a provider's answer is short; do not buffer a runaway one
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == beast::error::timeout)
    co_return std::unexpected(fmt::format("no answer within {} ms", settings_.timeout.count()));
  if (ec) co_return std::unexpected(fmt::format("read: {}", ec.message()));
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  auto res = parser.release();
  co_return reply{res.result_int(), std::move(res.body())};
}

}  // namespace campus::notify::sms
