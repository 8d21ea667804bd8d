#include "bench/load_publisher.hpp"

#include <fmt/format.h>
#include <mosquitto.h>

#include <unistd.h>

#include <atomic>
#include <chrono>

namespace campus::bench {

using std::chrono::steady_clock;

std::expected<std::unique_ptr<load_publisher>, std::string> load_publisher::connect(
    const settings& s, payload_deck& deck) {
  std::unique_ptr<load_publisher> p(new load_publisher(s));
  // Client ids unique in the process: two publishers alive at once on one broker (the peer
  // phase's flat-out load and its background) would otherwise take each other's sessions
  // over, reconnecting in turn for as long as both live.
  static std::atomic<int> next_id{0};
  for (auto& slice : deck.slices()) {
    auto c = std::make_unique<connection>();
    c->slice = &slice;
    c->mosq = mosquitto_new(fmt::format("campus-bench-load-{}-{}", ::getpid(), next_id++).c_str(), true,
                            c.get());
    if (!c->mosq) return std::unexpected("mosquitto_new failed");
    mosquitto_connect_callback_set(c->mosq, &load_publisher::on_connect);
    mosquitto_publish_callback_set(c->mosq, &load_publisher::on_publish);
    // QoS 1: as many unacknowledged messages in flight as the sender's window allows.
    mosquitto_int_option(c->mosq, MOSQ_OPT_SEND_MAXIMUM, static_cast<int>(s.window));
    if (int rc = mosquitto_connect(c->mosq, s.host.c_str(), s.port, 60); rc != MOSQ_ERR_SUCCESS)
      return std::unexpected(fmt::format("cannot connect to the broker at {}:{}: {}", s.host,
                                         s.port, mosquitto_strerror(rc)));
    if (int rc = mosquitto_loop_start(c->mosq); rc != MOSQ_ERR_SUCCESS)
      return std::unexpected(fmt::format("mosquitto_loop_start: {}", mosquitto_strerror(rc)));
    p->connections_.push_back(std::move(c));
  }
  const auto deadline = steady_clock::now() + std::chrono::seconds{10};
  for (auto& c : p->connections_) {
    while (c->connack.load() < 0 && steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds{5});
    if (c->connack.load() != 0) return std::unexpected("the broker refused or ignored a load connection");
  }
  return p;
}

load_publisher::~load_publisher() {
  stop();
  for (auto& c : connections_) {
    mosquitto_disconnect(c->mosq);
    mosquitto_loop_stop(c->mosq, false);  // joins the network thread: no callback after this
    mosquitto_destroy(c->mosq);
  }
}

void load_publisher::on_connect(mosquitto*, void* self, int rc) {
  static_cast<connection*>(self)->connack.store(rc);
}

void load_publisher::on_publish(mosquitto*, void* self, int) {
  static_cast<connection*>(self)->completed.fetch_add(1, std::memory_order_relaxed);
}

void load_publisher::start() {
  stop();
  stopping_ = false;
  const double share = settings_.rate / static_cast<double>(connections_.size());
  for (auto& c : connections_) threads_.emplace_back([this, &c, share] { send_loop(*c, share); });
}

void load_publisher::stop() {
  stopping_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void load_publisher::send_loop(connection& c, double rate) {
  if (c.slice->empty()) return;
  const auto start = steady_clock::now();
  std::uint64_t sent = 0;
  constexpr std::uint64_t batch = 64;
  while (!stopping_.load(std::memory_order_relaxed)) {
    std::uint64_t allowed = batch;
    if (rate > 0) {
      const double elapsed = std::chrono::duration<double>(steady_clock::now() - start).count();
      const auto due = static_cast<std::uint64_t>(elapsed * rate);
      if (due <= sent) {
        std::this_thread::sleep_for(std::chrono::microseconds{200});
        continue;
      }
      allowed = std::min(batch, due - sent);
    }
    const auto now = wall_now();
    for (std::uint64_t i = 0; i < allowed; ++i) {
      const auto out = c.published.load(std::memory_order_relaxed) -
                       c.completed.load(std::memory_order_relaxed);
      if (out >= settings_.window) {
        std::this_thread::sleep_for(std::chrono::microseconds{50});
        break;
      }
      auto& m = (*c.slice)[c.next];
      stamp(m, now);
      const int rc = mosquitto_publish(c.mosq, nullptr, m.topic.c_str(),
                                       static_cast<int>(m.payload.size()), m.payload.data(),
                                       settings_.qos, false);
      if (rc != MOSQ_ERR_SUCCESS) {
        c.errors.fetch_add(1, std::memory_order_relaxed);
        std::this_thread::sleep_for(std::chrono::milliseconds{1});
        break;
      }
      c.published.fetch_add(1, std::memory_order_relaxed);
      ++sent;
      if (++c.next == c.slice->size()) {
        c.next = 0;
        c.wrapped = true;
      }
    }
  }
}

bool load_publisher::drain(core::duration timeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (completed() < published()) {
    if (steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  return true;
}

std::uint64_t load_publisher::published() const {
  std::uint64_t n = 0;
  for (const auto& c : connections_) n += c->published.load();
  return n;
}

std::uint64_t load_publisher::completed() const {
  std::uint64_t n = 0;
  for (const auto& c : connections_) n += c->completed.load();
  return n;
}

std::uint64_t load_publisher::errors() const {
  std::uint64_t n = 0;
  for (const auto& c : connections_) n += c->errors.load();
  return n;
}

bool load_publisher::covered_deck() const {
  for (const auto& c : connections_)
    if (!c->wrapped && !c->slice->empty()) return false;
  return true;
}

}  // namespace campus::bench
