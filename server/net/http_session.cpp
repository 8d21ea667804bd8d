#include "net/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "core/log.hpp"
#include "net/access.hpp"
#include "net/fail.hpp"
#include "net/request_target.hpp"

namespace campus::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

constexpr std::size_t body_limit = 64 * 1024;
constexpr std::uint32_t header_limit = 16 * 1024;
// Covers a whole request or response; a keep-alive connection left idle is closed after it.
constexpr auto io_timeout = std::chrono::seconds(30);

}  // namespace

http_session::http_session(asio::any_io_executor executor, std::shared_ptr<session_context> ctx,
                           bool secure, std::optional<address_guard::slot> slot)
    : ctx_(std::move(ctx)),
      slot_(std::move(slot)),
      executor_(std::move(executor)),
      secure_(secure),
      reply_timer_(executor_) {}

void http_session::run() {
  // The accept handler runs on the listener's strand; start on this connection's own strand.
  asio::dispatch(executor_, [self = shared_from_this()] { self->begin(); });
}

void http_session::do_read() {
  parser_.emplace();
  parser_->body_limit(body_limit);
  parser_->header_limit(header_limit);
  tcp().expires_after(io_timeout);
  async_read_request(*parser_);
}

void http_session::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return shut_down();
  if (ec == http::error::body_limit || ec == http::error::header_limit) {
    // Answer (so the client learns why) and close: the rest of the request is unread.
    request req;
    req.version(11);
    auto res = json_error(req, ec == http::error::body_limit
                                   ? http::status::payload_too_large
                                   : http::status::request_header_fields_too_large,
                          ec.message());
    res.keep_alive(false);
    return write(std::move(res));
  }
  if (ec) return fail(ec, "http read");

  ctx_->http_requests.inc();
  if (slot_ && !ctx_->guard.allow_request(slot_->address())) {
    auto res = json_error(parser_->get(), http::status::too_many_requests,
                          "too many requests from this address; slow down");
    res.set(http::field::retry_after,
            std::to_string(ctx_->guard.retry_after(slot_->address()).count()));
    res.keep_alive(false);
    return write(std::move(res));
  }
  request_context context = context_of(parser_->get());
  if (beast::websocket::is_upgrade(parser_->get())) {
    const auto target = request_target::parse(parser_->get().target());
    if (target && target->path() == "/ws") {
      // A page of another site must not open a feed with this user's cookie.
      if (!access::same_origin(parser_->get())) {
        return write(access::forbidden(parser_->get(), "WebSocket from another origin refused"));
      }
      if (!context.who) return write(access::login_required(parser_->get()));
      // The websocket session takes the stream (and its strand); this session ends here.
      return upgrade(parser_->release(), std::move(*context.who));
    }
    auto res = json_error(parser_->get(), http::status::not_found,
                          "WebSocket upgrade is offered at /ws only");
    return write(std::move(res));
  }
  const unsigned version = parser_->get().version();
  auto answer = ctx_->http_routes.handle(parser_->release(), context);
  if (auto* later = std::get_if<deferred_response>(&answer)) {
    return await_reply(std::move(*later), version);
  }
  write(std::get<http::message_generator>(std::move(answer)));
}

request_context http_session::context_of(const request& req) const {
  request_context c;
  if (slot_) c.address = slot_->address().to_string();
  c.secure = secure_;
  auth::authenticator* a = ctx_->authenticator.load();
  if (!a) {
    c.who = access::open_access();
  } else if (auto token = access::session_token(req)) {
    c.who = a->authenticate(*token);
  }
  return c;
}

void http_session::await_reply(deferred_response start, unsigned version) {
  const std::uint64_t ticket = ++last_ticket_;
  awaited_ = ticket;
  // No read is started until on_reply writes: the next request waits in the socket.
  reply_timer_.expires_after(ctx_->reply_timeout.load());
  reply_timer_.async_wait(beast::bind_front_handler(&http_session::on_reply_timeout,
                                                    shared_from_this(), ticket, version));
  // The reply handler holds the session alive while the work runs elsewhere; the route calls
  // it on our strand, and dispatch keeps it there even if a route got that wrong.
  start(executor_, [self = shared_from_this(), ticket](string_response res) {
    auto ex = self->executor_;
    asio::dispatch(ex, [self = std::move(self), ticket, res = std::move(res)]() mutable {
      self->on_reply(ticket, std::move(res));
    });
  });
}

void http_session::on_reply(std::uint64_t ticket, string_response response) {
  if (ticket != awaited_) {
    core::log(core::log_level::debug, "http: a reply arrived after its timeout; dropped");
    return;
  }
  awaited_ = 0;
  reply_timer_.cancel();
  write(std::move(response));
}

void http_session::on_reply_timeout(std::uint64_t ticket, unsigned version, beast::error_code ec) {
  if (ec || ticket != awaited_) return;  // cancelled: the reply came first
  awaited_ = 0;
  request req;
  req.version(version);
  auto res = json_error(req, http::status::gateway_timeout,
                        "the query took too long; try a shorter range or a larger step");
  // The query may still be running on the store: end the connection rather than queue more.
  res.keep_alive(false);
  write(std::move(res));
}

void http_session::write(http::message_generator&& response) {
  const bool keep_alive = response.keep_alive();
  tcp().expires_after(io_timeout);
  async_write_response(std::move(response), keep_alive);
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "http write");
  if (!keep_alive) return shut_down();
  do_read();
}

}  // namespace campus::net
