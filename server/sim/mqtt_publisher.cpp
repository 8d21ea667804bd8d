#include "sim/mqtt_publisher.hpp"

#include <fmt/format.h>
#include <mosquitto.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

namespace campus::sim {
namespace {

std::string reason(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  return mosquitto_strerror(rc);
}

}  // namespace

mqtt_publisher::mqtt_publisher(const settings& s) : settings_(s) {}

std::expected<std::unique_ptr<mqtt_publisher>, std::string> mqtt_publisher::connect(
    const settings& s) {
  std::unique_ptr<mqtt_publisher> p(new mqtt_publisher(s));
  p->mosq_ = mosquitto_new(s.client_id.c_str(), true, p.get());
  if (p->mosq_ == nullptr)
    return std::unexpected(fmt::format("mosquitto_new: {}", reason(MOSQ_ERR_ERRNO)));
  if (!s.username.empty()) {
    const int rc = mosquitto_username_pw_set(p->mosq_, s.username.c_str(),
                                             s.password.empty() ? nullptr : s.password.c_str());
    if (rc != MOSQ_ERR_SUCCESS)
      return std::unexpected(fmt::format("mosquitto_username_pw_set: {}", reason(rc)));
  }
  mosquitto_connect_callback_set(p->mosq_, &mqtt_publisher::on_connect);
  mosquitto_publish_callback_set(p->mosq_, &mqtt_publisher::on_publish);
  mosquitto_subscribe_callback_set(p->mosq_, &mqtt_publisher::on_subscribe);
  mosquitto_message_callback_set(p->mosq_, &mqtt_publisher::on_message);
  // After the first connection the network thread reconnects by itself, 1 s growing to 10 s.
  mosquitto_reconnect_delay_set(p->mosq_, 1, 10, true);

  const auto deadline = std::chrono::steady_clock::now() + s.connect_timeout;
  std::string last_error;
  for (;;) {
    const int rc = mosquitto_connect(p->mosq_, s.host.c_str(), s.port, s.keepalive_s);
    if (rc == MOSQ_ERR_SUCCESS) break;
    last_error = reason(rc);
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      return std::unexpected(fmt::format(
          "cannot reach the MQTT broker at {}:{} after {} s: {}", s.host, s.port,
          std::chrono::duration_cast<std::chrono::seconds>(s.connect_timeout).count(), last_error));
    }
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::seconds{1}));
  }
  if (const int rc = mosquitto_loop_start(p->mosq_); rc != MOSQ_ERR_SUCCESS) {
    return std::unexpected(fmt::format("mosquitto_loop_start: {}", reason(rc)));
  }
  std::unique_lock lock(p->mutex_);
  if (!p->changed_.wait_until(lock, deadline + std::chrono::seconds{2},
                              [&] { return p->connack_ >= 0; })) {
    return std::unexpected(
        fmt::format("the MQTT broker at {}:{} did not answer the connection", s.host, s.port));
  }
  if (p->connack_ != 0) {
    return std::unexpected(fmt::format("the MQTT broker at {}:{} refused the connection: {}",
                                       s.host, s.port, mosquitto_connack_string(p->connack_)));
  }
  return p;
}

mqtt_publisher::~mqtt_publisher() {
  if (mosq_ == nullptr) return;
  mosquitto_disconnect(mosq_);
  // Joins the network thread (it ends once the disconnect is sent), so no callback can run
  // on this object after the destructor.
  mosquitto_loop_stop(mosq_, false);
  mosquitto_destroy(mosq_);
}

void mqtt_publisher::on_connect(mosquitto* mosq, void* self, int rc) {
  auto* p = static_cast<mqtt_publisher*>(self);
  std::string renew;
  {
    std::lock_guard lock(p->mutex_);
    p->connack_ = rc;
    renew = p->subscription_;
  }
  p->changed_.notify_all();
  // A clean session forgets subscriptions: ask again after a reconnect (the broker then
  // resends the retained control messages, which are idempotent).
  if (rc == 0 && !renew.empty()) mosquitto_subscribe(mosq, nullptr, renew.c_str(), 1);
}

void mqtt_publisher::on_subscribe(mosquitto*, void* self, int mid, int, const int*) {
  auto* p = static_cast<mqtt_publisher*>(self);
  {
    std::lock_guard lock(p->mutex_);
    p->subacks_.insert(mid);
  }
  p->changed_.notify_all();
}

void mqtt_publisher::on_message(mosquitto*, void* self, const mosquitto_message* m) {
  auto* p = static_cast<mqtt_publisher*>(self);
  sim_message copy{m->topic,
                   std::string(static_cast<const char*>(m->payload),
                               static_cast<std::size_t>(std::max(m->payloadlen, 0))),
                   m->retain};
  std::lock_guard lock(p->mutex_);
  p->received_.push_back(std::move(copy));
}

void mqtt_publisher::on_publish(mosquitto*, void* self, int mid) {
  auto* p = static_cast<mqtt_publisher*>(self);
  {
    std::lock_guard lock(p->mutex_);
    if (p->in_flight_.erase(mid) == 0) p->completed_early_.insert(mid);
  }
  p->changed_.notify_all();
}

std::expected<void, std::string> mqtt_publisher::publish(const sim_message& m, int qos) {
  int mid = 0;
  // Called without mutex_ held: libmosquitto takes its own locks, and a callback taking
  // mutex_ meanwhile on the network thread must not wait on us.
  const int rc = mosquitto_publish(mosq_, &mid, m.topic.c_str(), static_cast<int>(m.payload.size()),
                                   m.payload.data(), qos, m.retain);
  if (rc != MOSQ_ERR_SUCCESS) return std::unexpected(reason(rc));
  std::lock_guard lock(mutex_);
  if (completed_early_.erase(mid) == 0) in_flight_.insert(mid);
  return {};
}

std::size_t mqtt_publisher::drain(core::duration timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return in_flight_.empty(); });
  return in_flight_.size();
}

std::expected<void, std::string> mqtt_publisher::subscribe(const std::string& pattern,
                                                           core::duration timeout) {
  {
    std::lock_guard lock(mutex_);
    subscription_ = pattern;
  }
  int mid = 0;
  // Without mutex_ held, as in publish(): the SUBACK callback takes it.
  if (const int rc = mosquitto_subscribe(mosq_, &mid, pattern.c_str(), 1); rc != MOSQ_ERR_SUCCESS) {
    return std::unexpected(fmt::format("subscribe {}: {}", pattern, reason(rc)));
  }
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [&] { return subacks_.contains(mid); })) {
    return std::unexpected(
        fmt::format("subscribe {}: no SUBACK from {}:{}", pattern, settings_.host, settings_.port));
  }
  subacks_.erase(mid);
  return {};
}

std::vector<sim_message> mqtt_publisher::take_received() {
  std::lock_guard lock(mutex_);
  return std::exchange(received_, {});
}

}  // namespace campus::sim
