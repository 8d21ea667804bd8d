#include "net/websocket_session.hpp"

#include "net/access.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>

#include "core/log.hpp"
#include "net/access.hpp"
#include "net/fail.hpp"
#include "net/ledger_messages.hpp"
#include "net/messages.hpp"

namespace campus::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

// How long a closing handshake may wait behind a write the client does not read.
constexpr auto close_grace = std::chrono::seconds(10);
// How soon a feed notices that its login ended (logout, expiry, user disabled).
constexpr auto session_check_interval = std::chrono::seconds(5);

}  // namespace

websocket_session::websocket_session(asio::any_io_executor executor,
                                     std::shared_ptr<session_context> ctx, auth::principal who,
                                     std::optional<address_guard::slot> slot)
    : ctx_(std::move(ctx)),
      executor_(std::move(executor)),
      slot_(std::move(slot)),
      who_(std::move(who)),
      queue_(ctx_->ws_queue_limit),
      close_deadline_(executor_),
      session_check_(executor_) {}

websocket_session::~websocket_session() {
  if (joined_) ctx_->clients.leave(*this);
}

void websocket_session::run(request req) {
  token_ = access::session_token(req).value_or(std::string{});
  async_accept(std::move(req));
}

void websocket_session::schedule_session_check() {
  if (!ctx_->authenticator.load()) return;  // the server runs open: no login to lose
  session_check_.expires_after(session_check_interval);
  // The timer holds the session alive; it stops re-arming once the session closes or its
  // client is gone (no read pending), so it never outlives the connection by more than one
  // interval.
  session_check_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_ || !self->reading_) return;
    auth::authenticator* a = self->ctx_->authenticator.load();
    if (a && !a->authenticate(self->token_)) {
      return self->start_close({websocket::close_code::policy_error, "session ended"});
    }
    self->schedule_session_check();
  });
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "websocket accept");
  // Join first, then snapshot: anything broadcast after the join is posted behind this
  // handler, so it follows the snapshot; anything before it is already in live_state.
  ctx_->clients.join(*this);
  joined_ = true;
  // The desk updates its board before announcing, as the pipeline does live_state.
  auto* desk = ctx_->incidents.load();
  enqueue(std::make_shared<const std::string>(
              desk ? messages::snapshot_message(ctx_->state, desk->open_entries(), &who_)
                   : messages::snapshot_message(ctx_->state, &who_)),
          {});
  do_read();
  schedule_session_check();
}

void websocket_session::do_read() {
  reading_ = true;
  async_read_message(buffer_);
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  reading_ = false;
  if (ec) {
    session_check_.cancel();
    return fail(ec, "websocket read");
  }
  // Client messages carry nothing in step 1; reading keeps pings, pongs and close flowing.
  buffer_.consume(buffer_.size());
  do_read();
}

void websocket_session::send(std::shared_ptr<const std::string> message,
                             std::shared_ptr<const std::string> coalesce_key) {
  asio::post(executor_, [self = shared_from_this(), message = std::move(message),
                                  key = std::move(coalesce_key)]() mutable {
    self->enqueue(std::move(message), key ? std::string_view(*key) : std::string_view{});
  });
}

void websocket_session::enqueue(std::shared_ptr<const std::string> message,
                                std::string_view coalesce_key) {
  if (closing_) return;
  switch (queue_.push(std::move(message), coalesce_key)) {
    case send_queue::push_result::started: return do_write();
    case send_queue::push_result::queued:
    case send_queue::push_result::coalesced: return;
    case send_queue::push_result::overflow: {
      // Alerts are never dropped for a live client, so a client that cannot take them is
      // closed rather than letting its queue grow without bound.
      ctx_->ws_slow_clients_closed.inc();
      beast::error_code ec;
      const auto peer = tcp().socket().remote_endpoint(ec);
      core::log(core::log_level::warn, "net: closing slow WebSocket client {}: {} messages queued",
                ec ? std::string("?") : peer.address().to_string(), queue_.size());
      return start_close({websocket::close_code::policy_error, "client too slow"});
    }
  }
}

void websocket_session::do_write() {
  // The front message stays in the queue (and alive) until this write completes.
  async_write_message(asio::buffer(*queue_.front()));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "websocket write");
  ctx_->ws_messages_sent.inc();
  queue_.pop();
  if (!queue_.empty()) do_write();
}

void websocket_session::close(websocket::close_reason reason) {
  asio::post(executor_, [self = shared_from_this(), reason] {
    if (self->joined_) self->start_close(reason);
  });
}

void websocket_session::start_close(websocket::close_reason reason) {
  if (closing_) return;
  closing_ = true;
  session_check_.cancel();
  queue_.drop_pending();
  // Beast lets a close run beside a write in progress: the close frame follows that write.
  async_close(reason);
  close_deadline_.expires_after(close_grace);
  close_deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec) return;  // cancelled: the close completed
    self->tcp().close();
  });
}

void websocket_session::on_close(beast::error_code ec) {
  close_deadline_.cancel();
  if (ec) return fail(ec, "websocket close");
}

}  // namespace campus::net
