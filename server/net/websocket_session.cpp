#include "net/websocket_session.hpp"

#include "net/access.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/json/parse.hpp>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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
// Bytes the kernel may hold for a client that it has not sent yet (TCP_NOTSENT_LOWAT). Beyond
// them the next message waits in the send queue, where an alert still overtakes readings; with
// the kernel's default a slow page could have megabytes of readings ahead of an alert in its
// socket, out of the queue's reach.
constexpr int unsent_limit = 16 * 1024;

}  // namespace

websocket_session::websocket_session(asio::any_io_executor executor,
                                     std::shared_ptr<session_context> ctx, auth::principal who,
                                     std::optional<address_guard::slot> slot)
    : ctx_(std::move(ctx)),
      executor_(std::move(executor)),
      slot_(std::move(slot)),
      who_(std::move(who)),
      // Readings coalesce per key and never close a client (beyond the limit they are
      // dropped); summaries are bounded by the district's schools, one per school.
      queue_(ctx_->ws_queue_limit, ctx_->ws_queue_limit),
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
  const int unsent = unsent_limit;
  if (::setsockopt(tcp().socket().native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &unsent,
                   sizeof unsent) != 0) {
    core::log(core::log_level::debug, "net: TCP_NOTSENT_LOWAT not set: {}", std::strerror(errno));
  }
  // Join first, then snapshot: anything broadcast after the join is posted behind this
  // handler, so it follows the snapshot; anything before it is already in live_state.
  ctx_->clients.join(*this);
  joined_ = true;
  // The watch set before the snapshot, for the same reason: a reading of a watched school is
  // in the snapshot or delivered behind it.
  const auto watched = initial_watch();
  set_watched(watched);
  const auto tallies = ctx_->school_tallies();
  const messages::snapshot_scope scope{&who_, &watched, &tallies};
  // The desk updates its board before announcing, as the pipeline does live_state.
  auto* desk = ctx_->incidents.load();
  enqueue(std::make_shared<const std::string>(
              desk ? messages::snapshot_message(ctx_->state, desk->open_entries(), scope)
                   : messages::snapshot_message(ctx_->state, scope)),
          nullptr);
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
  // Reading also keeps pings, pongs and close flowing.
  on_client_message(beast::buffers_to_string(buffer_.data()));
  buffer_.consume(buffer_.size());
  do_read();
}

bool websocket_session::watches(std::string_view site) const {
  std::lock_guard lock(watch_mutex_);
  return watched_ && watched_->contains(site);
}

void websocket_session::set_watched(const std::vector<std::string>& sites) {
  auto next = std::make_shared<const site_set>(sites.begin(), sites.end());
  std::lock_guard lock(watch_mutex_);
  watched_ = std::move(next);
}

std::vector<std::string> websocket_session::initial_watch() const {
  std::vector<std::string> sites;
  std::size_t devices = 0;
  for (const auto& s : ctx_->state.district().sites) {
    if (!who_.may_see(s.id)) continue;
    sites.push_back(s.id);
    devices += ctx_->site_devices.at(s.id);
  }
  if (devices > session_context::watch_device_limit ||
      sites.size() > session_context::watch_site_limit)
    sites.clear();
  return sites;
}

void websocket_session::on_client_message(std::string_view text) {
  // Untrusted: a malformed message is ignored (the read limit bounds its size).
  boost::system::error_code ec;
  const auto v = boost::json::parse(text, ec);
  const auto* o = ec ? nullptr : v.if_object();
  const auto* type = o ? o->if_contains("type") : nullptr;
  const auto* sites = o ? o->if_contains("sites") : nullptr;
  if (type && type->is_string() && type->get_string() == "watch" && sites && sites->is_array())
    return watch(sites->get_array());
  long suppressed = 0;
  if (ctx_->watch_log.allow(suppressed))
    core::log(core::log_level::warn, "net: ignored a WebSocket message of user {} ({} more "
              "suppressed): not a watch request", who_.user, suppressed);
}

void websocket_session::watch(const boost::json::array& requested) {
  std::vector<std::string> accepted;
  std::size_t devices = 0;
  std::size_t ignored = 0;  // unknown, or not the user's
  std::size_t refused = 0;  // over the limits
  std::string first_ignored;
  for (const auto& v : requested) {
    const auto* id = v.if_string();
    const auto it = id ? ctx_->site_devices.find(std::string(*id)) : ctx_->site_devices.end();
    if (it == ctx_->site_devices.end() || !who_.may_see(it->first)) {
      if (ignored++ == 0 && id) first_ignored = std::string(id->subview(0, 64));
      continue;
    }
    if (std::find(accepted.begin(), accepted.end(), it->first) != accepted.end()) continue;
    if (accepted.size() >= session_context::watch_site_limit ||
        devices + it->second > session_context::watch_device_limit) {
      ++refused;
      continue;
    }
    accepted.push_back(it->first);
    devices += it->second;
  }
  if (ignored + refused > 0) {
    ctx_->ws_watch_ignored.inc(ignored + refused);
    long suppressed = 0;
    if (ctx_->watch_log.allow(suppressed))
      core::log(core::log_level::warn,
                "net: watch of user {}: {} school ids ignored (unknown or not theirs, first "
                "\"{}\"), {} refused over the limit of {} devices / {} schools ({} more "
                "suppressed)",
                who_.user, ignored, first_ignored, refused, session_context::watch_device_limit,
                session_context::watch_site_limit, suppressed);
  }
  // Set first, answer second (on this strand): a reading of a newly watched school is in the
  // answer or delivered behind it. Readings of schools no longer watched that are still
  // queued reach the client, which ignores them.
  set_watched(accepted);
  enqueue(std::make_shared<const std::string>(messages::watching_message(ctx_->state, accepted)),
          nullptr);
}

void websocket_session::send(std::shared_ptr<const std::string> message,
                             std::shared_ptr<const std::string> coalesce_key, bool key_bounded) {
  asio::post(executor_, [self = shared_from_this(), message = std::move(message),
                         key = std::move(coalesce_key), key_bounded]() mutable {
    self->enqueue(std::move(message), std::move(key), key_bounded);
  });
}

void websocket_session::enqueue(std::shared_ptr<const std::string> message,
                                send_queue::key coalesce_key, bool key_bounded) {
  if (closing_) return;
  switch (queue_.push(std::move(message), std::move(coalesce_key), key_bounded)) {
    case send_queue::push_result::started: return do_write();
    case send_queue::push_result::queued:
    case send_queue::push_result::coalesced: return;
    case send_queue::push_result::dropped:
      // A reading beyond what the queue keeps: this page is sent less, not closed.
      ctx_->ws_messages_dropped.inc();
      return;
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
