#include "sim/mqtt_publisher.hpp"

#include <fmt/format.h>
#include <mosquitto.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

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
  mosquitto_connect_callback_set(p->mosq_, &mqtt_publisher::on_connect);
  mosquitto_publish_callback_set(p->mosq_, &mqtt_publisher::on_publish);
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

void mqtt_publisher::on_connect(mosquitto*, void* self, int rc) {
  auto* p = static_cast<mqtt_publisher*>(self);
  {
    std::lock_guard lock(p->mutex_);
    p->connack_ = rc;
  }
  p->changed_.notify_all();
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

}  // namespace campus::sim
