#include "mqtt/mqtt_client.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <fcntl.h>
#include <mosquitto.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <exception>
#include <mutex>
#include <random>
#include <stdexcept>

#include <fmt/chrono.h>

#include "core/log.hpp"

namespace campus::mqtt {
namespace asio = boost::asio;
using namespace std::chrono_literals;
using core::log;
using core::log_level;

namespace {

// Retries: 0.5 s, 1 s, then 2 s at most (each wait jittered to between half and all of it). A
// retry costs a refused connect while the broker is down; a long wait costs alarms held at a
// broker that is back (mqtt_client.hpp, "Reconnecting").
constexpr auto backoff_first = std::chrono::milliseconds{500};
constexpr auto backoff_max = std::chrono::milliseconds{2'000};
constexpr auto misc_period = 1s;     // keepalive PINGs and the lost-wakeup safety net
constexpr auto linger_period = 2s;   // how long stop() waits for the broker to close
constexpr int pump_budget = 64;      // socket operations per handler before yielding the strand
constexpr int paused_read_budget = 32;  // packets read per keepalive read while paused

void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

// poll() with a zero timeout: which of `events` (plus errors and hang-up) hold right now.
short ready_now(int fd, short events) {
  pollfd p{fd, events, 0};
  if (::poll(&p, 1, 0) <= 0) return 0;
  return p.revents;
}

void validate(const config::mqtt_settings& s) {
  if (s.qos < 0 || s.qos > 2)
    throw std::invalid_argument(fmt::format("mqtt.qos must be 0, 1 or 2: {}", s.qos));
  if (s.keepalive_s < 5)
    throw std::invalid_argument(fmt::format("mqtt.keepalive_s must be at least 5: {}", s.keepalive_s));
  if (s.port <= 0 || s.port > 65535)
    throw std::invalid_argument(fmt::format("mqtt.port must be 1..65535: {}", s.port));
  if (s.client_id.empty() && !s.clean_session)
    throw std::invalid_argument("mqtt.client_id must be set for a persistent session");
  if (s.subscription.empty()) throw std::invalid_argument("mqtt.subscription must not be empty");
  if (s.tls.cert_file.empty() != s.tls.key_file.empty())
    throw std::invalid_argument("mqtt.tls.cert_file and key_file go together");
  if (!s.tls.enabled() && !(s.tls.cert_file.empty() && !s.tls.insecure))
    throw std::invalid_argument("mqtt.tls needs ca_file");
}

}  // namespace

// Everything the connection needs, shared with the handlers pending on the strand: each
// handler holds a shared_ptr, so the state lives exactly while an operation is pending or the
// client object exists. All members except connected_ are touched only on strand_.
struct mqtt_client::state : std::enable_shared_from_this<state> {
  enum class phase { idle, connecting, connected, waiting, stopping, stopped };

  state(asio::io_context& io, config::mqtt_settings settings, message_handler handler,
        core::metrics& metrics)
      : strand_(asio::make_strand(io)),
        settings_(std::move(settings)),
        on_message_(std::move(handler)),
        messages_(metrics.get("campus_mqtt_messages_total")),
        connected_gauge_(metrics.get("campus_mqtt_connected")),
        reconnects_(metrics.get("campus_mqtt_reconnects_total")),
        handler_errors_(metrics.get("campus_mqtt_handler_errors_total")),
        watch_(strand_),
        misc_timer_(strand_),
        reconnect_timer_(strand_),
        linger_timer_(strand_),
        rng_(std::random_device{}()) {
    metrics.describe("campus_mqtt_messages_total", "counter", "MQTT messages received");
    metrics.describe("campus_mqtt_connected", "gauge", "1 while connected to the broker");
    metrics.describe("campus_mqtt_reconnects_total", "counter",
                     "Connection attempts after the first one (each backoff retry)");
    metrics.describe("campus_mqtt_handler_errors_total", "counter",
                     "Exceptions thrown by the message handler");
    connected_gauge_.set(0);

    init_library_once();
    mosq_ = mosquitto_new(settings_.client_id.empty() ? nullptr : settings_.client_id.c_str(),
                          settings_.clean_session, this);
    if (!mosq_) throw std::runtime_error("mosquitto_new failed (out of memory)");
    mosquitto_threaded_set(mosq_, false);  // one strand drives it; no locks needed inside
    mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);  // PUBACKs go out at once
    if (!settings_.username.empty()) {
      mosquitto_username_pw_set(mosq_, settings_.username.c_str(),
                                settings_.password.empty() ? nullptr : settings_.password.c_str());
    }
    if (settings_.tls.enabled()) configure_tls();
    mosquitto_connect_with_flags_callback_set(mosq_, &state::on_connect_cb);
    mosquitto_disconnect_callback_set(mosq_, &state::on_disconnect_cb);
    mosquitto_message_callback_set(mosq_, &state::on_message_cb);
    mosquitto_subscribe_callback_set(mosq_, &state::on_subscribe_cb);
  }

  // TLS with the broker's certificate checked against ca_file (peer verification on) and, unless
  // `insecure`, against mqtt.host. The handshake itself runs inside loop_read/loop_write, so the
  // pump below drives it like any other traffic; libmosquitto's loop_read drains what OpenSSL
  // has already decrypted (SSL_pending), so no record waits in a buffer poll() cannot see.
  void configure_tls() {
    const auto& t = settings_.tls;
    auto c_str = [](const std::string& s) { return s.empty() ? nullptr : s.c_str(); };
    int rc = mosquitto_tls_set(mosq_, t.ca_file.c_str(), nullptr, c_str(t.cert_file),
                               c_str(t.key_file), nullptr);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_opts_set(mosq_, 1, nullptr, nullptr);
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_insecure_set(mosq_, t.insecure);
    if (rc != MOSQ_ERR_SUCCESS) {
      mosquitto_destroy(mosq_);  // the destructor does not run for a throwing constructor
      mosq_ = nullptr;
      throw std::invalid_argument(
          fmt::format("mqtt.tls: {} (ca_file {}, cert_file {}, key_file {})", describe(rc),
                      t.ca_file, t.cert_file.empty() ? "-" : t.cert_file,
                      t.key_file.empty() ? "-" : t.key_file));
    }
  }

  ~state() {
    boost::system::error_code ec;
    watch_.close(ec);          // our dup only
    mosquitto_destroy(mosq_);  // closes libmosquitto's own socket, if any
  }

  // --- Lifecycle, on the strand ---------------------------------------------------------

  void start() {
    if (phase_ != phase::idle) return;
    arm_misc_timer();
    connect();
  }

  // Before start(), from the constructing thread: not connected yet, from now on.
  void set_readiness(core::readiness* readiness) {
    readiness_ = readiness;
    down_since_ = std::chrono::system_clock::now();
    last_error_ = "the first attempt is under way";
    report_down();
  }

  // Not connected (since down_since_, for last_error_): the server cannot see any alarm.
  void report_down() {
    if (!readiness_) return;
    const std::time_t since = std::chrono::system_clock::to_time_t(down_since_);
    readiness_->report("broker", fmt::format("not connected to the broker at {}:{} since "
                                             "{:%Y-%m-%d %H:%M:%S} UTC: {}",
                                             settings_.host, settings_.port, fmt::gmtime(since),
                                             last_error_));
  }

  void stop() {
    switch (phase_) {
      case phase::idle:
      case phase::waiting:
        finish();
        return;
      case phase::stopping:
      case phase::stopped:
        return;
      case phase::connecting:
        // No session yet: nothing to say goodbye to. Shutting the socket down makes
        // libmosquitto read EOF and close it in the next pump.
        phase_ = phase::stopping;
        ::shutdown(watch_.native_handle(), SHUT_RDWR);
        pump();
        return;
      case phase::connected:
        phase_ = phase::stopping;
        // DISCONNECT keeps our persistent session; the broker closes the connection after
        // reading it, and the pump sees EOF. The linger timer covers a broker that doesn't.
        mosquitto_disconnect(mosq_);
        if (!settle()) return;
        linger_timer_.expires_after(linger_period);
        linger_timer_.async_wait(asio::bind_executor(
            strand_, [self = shared_from_this(), gen = socket_gen_](boost::system::error_code ec) {
              if (ec || gen != self->socket_gen_ || self->phase_ != phase::stopping) return;
              ::shutdown(self->watch_.native_handle(), SHUT_RDWR);
              self->pump();
            }));
        pump();
        return;
    }
  }

  void connect() {
    phase_ = phase::connecting;
    // Non-blocking TCP connect: returns with the connection in progress and CONNECT queued;
    // the pump sends it once the socket turns writable. Host names are resolved by a blocking
    // getaddrinfo inside libmosquitto, so the broker is best given as an address.
    int rc = mosquitto_connect_async(mosq_, settings_.host.c_str(), settings_.port,
                                     settings_.keepalive_s);
    if (rc != MOSQ_ERR_SUCCESS) {
      last_error_ = rc == MOSQ_ERR_ERRNO ? std::string(std::strerror(errno)) : mosquitto_strerror(rc);
      // A failed connect may leave a socket behind; it is closed by the next attempt.
      close_watch();
      on_closed();
      return;
    }
    if (!open_watch()) {
      on_closed();
      return;
    }
    pump();
  }

  // The connection is gone (refused, lost, or our DISCONNECT completed): log the transition
  // once, then either finish stopping or try again after a backoff.
  void on_closed() {
    bool was_connected = connected_.exchange(false);
    connected_gauge_.set(0);
    if (phase_ == phase::stopping) {
      log(log_level::info, "mqtt: disconnected from {}:{}", settings_.host, settings_.port);
      finish();
      return;
    }
    if (was_connected) down_since_ = std::chrono::system_clock::now();
    report_down();
    if (was_connected) {
      log(log_level::warn, "mqtt: connection to {}:{} lost ({}); reconnecting", settings_.host,
          settings_.port, last_error_);
    } else if (!failure_logged_) {
      log(log_level::warn, "mqtt: cannot connect to {}:{} ({}); retrying with backoff up to {} s",
          settings_.host, settings_.port, last_error_, backoff_max.count() / 1000);
    } else {
      log(log_level::debug, "mqtt: connect to {}:{} failed again ({})", settings_.host,
          settings_.port, last_error_);
    }
    failure_logged_ = true;
    schedule_reconnect();
  }

  void schedule_reconnect() {
    phase_ = phase::waiting;
    // Half fixed, half random: a district's servers restarted together don't reconnect in step.
    std::uniform_int_distribution<long> jitter(0, backoff_.count() / 2);
    auto delay = backoff_ / 2 + std::chrono::milliseconds{jitter(rng_)};
    backoff_ = std::min(backoff_ * 2, backoff_max);
    reconnect_timer_.expires_after(delay);
    reconnect_timer_.async_wait(
        asio::bind_executor(strand_, [self = shared_from_this()](boost::system::error_code ec) {
          if (ec || self->phase_ != phase::waiting) return;
          self->reconnects_.inc();
          self->connect();
        }));
  }

  void finish() {
    phase_ = phase::stopped;
    close_watch();
    misc_timer_.cancel();
    reconnect_timer_.cancel();
    linger_timer_.cancel();
  }

  // --- The socket ------------------------------------------------------------------------
  //
  // Ownership: libmosquitto owns its socket and closes it whenever it decides (inside
  // loop_read/write/misc on an error, on keepalive timeout, on reconnect, on destroy). Asio
  // only needs readiness, so watch_ owns a dup() of that socket and closes only the dup. We
  // deliberately do not assign libmosquitto's own fd and release() it later: libmosquitto
  // closes the fd inside a loop call, before we could release it, and release() then issues
  // EPOLL_CTL_DEL by fd *number* — a number another thread may already have reused for a new
  // socket on the same io_context. With the dup, the number stays ours until we close it. The
  // dup also keeps the TCP connection open after libmosquitto's close(), so settle() closes it
  // right after any call that made libmosquitto drop the socket.

  bool open_watch() {
    int fd = mosquitto_socket(mosq_);
    int dup_fd = fd < 0 ? -1 : ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) {
      last_error_ = fd < 0 ? "no socket" : std::strerror(errno);
      return false;
    }
    boost::system::error_code ec;
    watch_.assign(dup_fd, ec);
    if (ec) {
      ::close(dup_fd);
      last_error_ = ec.message();
      return false;
    }
    watched_fd_ = fd;
    return true;
  }

  void close_watch() {
    ++socket_gen_;  // handlers of the old socket, still queued, recognise themselves as stale
    read_waiting_ = write_waiting_ = false;
    watched_fd_ = -1;
    boost::system::error_code ec;
    watch_.close(ec);
  }

  // After any libmosquitto call: true while its socket is still the one we watch.
  bool settle() {
    int fd = mosquitto_socket(mosq_);
    if (fd >= 0 && fd == watched_fd_) return true;
    close_watch();
    on_closed();
    return false;
  }

  // Does what the socket is ready for, until nothing is. The epoll reactor is edge-triggered
  // and async_wait is never speculative, while libmosquitto reads one packet per call: data
  // left in the kernel buffer would raise no new edge. So readiness is polled (poll(), zero
  // timeout) and drained here; async_wait only wakes us for the next edge.
  //
  // Under load one poll() per packet would be a third of the syscalls per message, so after a
  // read that did not end in EAGAIN (libmosquitto stops there and leaves errno set) the next
  // read goes ahead without asking: the socket most likely holds more. The read that finds it
  // empty costs what the poll() would have. Writes still ask first.
  void pump() {
    bool more_to_read = false;
    for (int i = 0; i < pump_budget; ++i) {
      if (watched_fd_ < 0) return;
      bool want_write = mosquitto_want_write(mosq_);
      const bool may_read = reading_allowed();
      const short read_events = may_read ? short(POLLIN) : short(0);
      short r = more_to_read && !want_write && may_read
                    ? short(POLLIN)
                    : ready_now(watched_fd_, read_events | (want_write ? POLLOUT : 0));
      if (!may_read) r &= ~short(POLLIN | POLLHUP | POLLERR);  // seen at the next read
      int rc;
      if (r & (POLLIN | POLLHUP | POLLERR)) {
        errno = 0;
        rc = mosquitto_loop_read(mosq_, 1);
        more_to_read = errno != EAGAIN && errno != EWOULDBLOCK;
      } else if (want_write && (r & POLLOUT)) {
        rc = mosquitto_loop_write(mosq_, 1);
        more_to_read = false;
      } else {
        arm_waits();
        return;
      }
      if (rc != MOSQ_ERR_SUCCESS) last_error_ = describe(rc);
      if (!settle()) return;
      // Drained, nothing to write: wait for the next edge (arm_waits looks once more).
      if (!more_to_read && (r & POLLIN) && !mosquitto_want_write(mosq_)) {
        arm_waits();
        return;
      }
    }
    // Still busy after the budget (a burst): let other work on the io_context run first.
    asio::post(strand_, [self = shared_from_this(), gen = socket_gen_] {
      if (gen == self->socket_gen_) self->pump();
    });
  }

  auto wake(bool state::*waiting) {
    return asio::bind_executor(strand_, [self = shared_from_this(), gen = socket_gen_,
                                         waiting](boost::system::error_code ec) {
      if (gen != self->socket_gen_) return;  // a closed socket's wait, aborted
      (*self).*waiting = false;
      if (ec == asio::error::operation_aborted) return;
      if (ec) log(log_level::debug, "mqtt: wait on socket: {}", ec.message());
      self->pump();
    });
  }

  // Paused reading applies to a live session only: a connection's CONNACK and SUBACK are
  // always read (and with them, at most the broker's in-flight window of messages).
  bool reading_allowed() const {
    return !read_paused_.load(std::memory_order_relaxed) || phase_ != phase::connected;
  }

  void arm_waits() {
    bool want_write = mosquitto_want_write(mosq_);
    const bool may_read = reading_allowed();
    if (may_read && !read_waiting_) {
      read_waiting_ = true;
      watch_.async_wait(asio::posix::stream_descriptor::wait_read, wake(&state::read_waiting_));
    }
    if (want_write && !write_waiting_) {
      write_waiting_ = true;
      watch_.async_wait(asio::posix::stream_descriptor::wait_write, wake(&state::write_waiting_));
    }
    // An edge that came after pump()'s last poll but before the waits were queued may have
    // been consumed by another thread's epoll_wait; look once more now that they are queued.
    short now = ready_now(watched_fd_, (may_read ? POLLIN : 0) | (want_write ? POLLOUT : 0));
    // Paused: a hang-up is left for the next keepalive read, or this would spin.
    if (!may_read) now &= ~short(POLLHUP | POLLERR);
    if (now) {
      asio::post(strand_, [self = shared_from_this(), gen = socket_gen_] {
        if (gen == self->socket_gen_) self->pump();
      });
    }
  }

  // Keepalive (PINGREQ, and closing a connection whose PINGRESP never came), and a poll that
  // bounds any stall from a lost wake-up to one period.
  void arm_misc_timer() {
    misc_timer_.expires_after(misc_period);
    misc_timer_.async_wait(
        asio::bind_executor(strand_, [self = shared_from_this()](boost::system::error_code ec) {
          if (ec || self->phase_ == phase::stopped) return;
          if (self->watched_fd_ >= 0) {
            int rc = mosquitto_loop_misc(self->mosq_);
            if (rc != MOSQ_ERR_SUCCESS) self->last_error_ = describe(rc);
            if (self->settle() && self->keepalive_read_due()) self->keepalive_read();
            if (self->watched_fd_ >= 0) self->pump();
          }
          if (self->phase_ != phase::stopped) self->arm_misc_timer();
        }));
  }

  // --- Paused reading ------------------------------------------------------------------------

  void on_pause_changed() {
    if (!reading_allowed()) {
      paused_since_ = std::chrono::steady_clock::now();
      last_paused_read_ = paused_since_;
      return;
    }
    // Data that arrived while paused raised its edge long ago: look now.
    if (watched_fd_ >= 0) pump();
  }

  bool keepalive_read_due() const {
    if (reading_allowed() || watched_fd_ < 0) return false;
    const auto half = std::chrono::seconds(std::max(1, settings_.keepalive_s / 2));
    return std::chrono::steady_clock::now() - last_paused_read_ >= half;
  }

  // Reads what the broker answered to our keepalive, while paused: packets until the first one
  // that is not a message (a PINGRESP, a SUBACK), or the socket is empty, or the budget is spent.
  void keepalive_read() {
    last_paused_read_ = std::chrono::steady_clock::now();
    for (int i = 0; i < paused_read_budget; ++i) {
      if (watched_fd_ < 0 || !(ready_now(watched_fd_, POLLIN) & (POLLIN | POLLHUP | POLLERR)))
        return;
      const auto messages_before = messages_seen_;
      int rc = mosquitto_loop_read(mosq_, 1);
      if (rc != MOSQ_ERR_SUCCESS) last_error_ = describe(rc);
      if (!settle()) return;
      if (messages_seen_ == messages_before) return;
    }
  }

  static std::string describe(int rc) {
    if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
    return mosquitto_strerror(rc);
  }

  // --- libmosquitto callbacks: called inside loop_read/write/misc, so on the strand --------

  static void on_connect_cb(mosquitto*, void* obj, int rc, int flags) {
    auto* s = static_cast<state*>(obj);
    if (rc != 0) {
      // libmosquitto closes the connection after a refusal; settle() sees that.
      s->last_error_ = mosquitto_connack_string(rc);
      return;
    }
    if (s->phase_ == phase::stopping) return;  // stop() won the race; the socket is going away
    // Ready before the gauge says connected: whoever saw campus_mqtt_connected 1 finds /readyz
    // without the broker's problem.
    if (s->readiness_) s->readiness_->clear("broker");
    s->connected_ = true;
    s->connected_gauge_.set(1);
    s->phase_ = phase::connected;
    s->backoff_ = backoff_first;
    s->failure_logged_ = false;
    log(log_level::info, "mqtt: connected to {}:{}{} as {}{} (session present: {})",
        s->settings_.host, s->settings_.port, s->settings_.tls.enabled() ? " over TLS" : "",
        s->settings_.client_id,
        s->settings_.username.empty() ? std::string(" (anonymous)")
                                      : " (user " + s->settings_.username + ")",
        (flags & 1) != 0);
    // Subscribe on every CONNACK: a broker restarted without persistence forgot us.
    int src = mosquitto_subscribe(s->mosq_, nullptr, s->settings_.subscription.c_str(),
                                  s->settings_.qos);
    if (src != MOSQ_ERR_SUCCESS)
      log(log_level::error, "mqtt: subscribe to {} failed: {}", s->settings_.subscription,
          describe(src));
  }

  static void on_disconnect_cb(mosquitto*, void* obj, int rc) {
    auto* s = static_cast<state*>(obj);
    if (rc != 0) s->last_error_ = describe(rc);
  }

  static void on_subscribe_cb(mosquitto*, void* obj, int, int count, const int* granted) {
    auto* s = static_cast<state*>(obj);
    if (count < 1 || granted[0] > 2) {
      log(log_level::error, "mqtt: broker refused subscription {}", s->settings_.subscription);
    } else {
      log(log_level::info, "mqtt: subscribed to {} (granted QoS {})", s->settings_.subscription,
          granted[0]);
    }
  }

  static void on_message_cb(mosquitto*, void* obj, const mosquitto_message* m) {
    auto* s = static_cast<state*>(obj);
    s->messages_.inc();
    ++s->messages_seen_;
    std::string_view topic = m->topic ? m->topic : "";
    std::string_view payload(static_cast<const char*>(m->payload),
                             m->payload ? static_cast<std::size_t>(m->payloadlen) : 0);
    // An exception must not unwind through libmosquitto's C frames.
    try {
      s->on_message_(topic, payload);
    } catch (const std::exception& e) {
      s->handler_errors_.inc();
      log(log_level::error, "mqtt: message handler threw on {}: {}", topic, e.what());
    } catch (...) {
      s->handler_errors_.inc();
      log(log_level::error, "mqtt: message handler threw a non-exception on {}", topic);
    }
  }

  asio::strand<asio::io_context::executor_type> strand_;
  config::mqtt_settings settings_;
  message_handler on_message_;
  core::metrics::counter& messages_;
  core::metrics::counter& connected_gauge_;
  core::metrics::counter& reconnects_;
  core::metrics::counter& handler_errors_;
  mosquitto* mosq_ = nullptr;

  asio::posix::stream_descriptor watch_;  // a dup() of libmosquitto's socket; see above
  int watched_fd_ = -1;                   // libmosquitto's fd that watch_ mirrors, or -1
  std::uint64_t socket_gen_ = 0;          // bumped whenever watch_ is closed
  bool read_waiting_ = false;
  bool write_waiting_ = false;

  asio::steady_timer misc_timer_;
  asio::steady_timer reconnect_timer_;
  asio::steady_timer linger_timer_;
  std::chrono::milliseconds backoff_ = backoff_first;
  std::minstd_rand rng_;
  phase phase_ = phase::idle;
  bool failure_logged_ = false;  // one warning per streak of failed attempts
  std::string last_error_ = "unknown";
  std::atomic<bool> connected_{false};
  core::readiness* readiness_ = nullptr;              // set before start(); may stay null
  std::chrono::system_clock::time_point down_since_;  // start, or the last connection lost
  std::atomic<bool> read_paused_{false};
  std::uint64_t messages_seen_ = 0;  // on_message_cb calls, to tell messages from other packets
  std::chrono::steady_clock::time_point paused_since_;
  std::chrono::steady_clock::time_point last_paused_read_;
};

mqtt_client::mqtt_client(asio::io_context& io, config::mqtt_settings settings,
                         message_handler on_message, core::metrics& metrics) {
  validate(settings);
  state_ = std::make_shared<state>(io, std::move(settings), std::move(on_message), metrics);
}

mqtt_client::~mqtt_client() { stop(); }

// Always post, never dispatch: called from the message handler, an inline stop() would re-enter
// libmosquitto from inside its own callback.
void mqtt_client::start() {
  asio::post(state_->strand_, [s = state_] { s->start(); });
}

void mqtt_client::stop() {
  asio::post(state_->strand_, [s = state_] { s->stop(); });
}

bool mqtt_client::connected() const { return state_->connected_.load(); }

// Before start(): nothing runs on the strand yet, so the state is set directly.
void mqtt_client::set_readiness(core::readiness* readiness) { state_->set_readiness(readiness); }

// The flag takes effect at the pump's next read, even when called from the message handler in
// the middle of a burst; the strand then arms (or stops arming) the read wait.
void mqtt_client::pause_reading() {
  if (state_->read_paused_.exchange(true)) return;
  asio::post(state_->strand_, [s = state_] { s->on_pause_changed(); });
}

void mqtt_client::resume_reading() {
  if (!state_->read_paused_.exchange(false)) return;
  asio::post(state_->strand_, [s = state_] { s->on_pause_changed(); });
}

bool mqtt_client::reading_paused() const { return state_->read_paused_.load(); }

}  // namespace campus::mqtt
