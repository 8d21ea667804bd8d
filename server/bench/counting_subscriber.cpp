#include "bench/counting_subscriber.hpp"

#include <fmt/format.h>
#include <mosquitto.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace campus::bench {

std::expected<std::unique_ptr<counting_subscriber>, std::string> counting_subscriber::connect(
    const std::string& host, int port, int qos) {
  std::unique_ptr<counting_subscriber> s(new counting_subscriber);
  s->qos_ = qos;
  s->mosq_ = mosquitto_new(fmt::format("campus-bench-ceiling-{}", ::getpid()).c_str(), true,
                           s.get());
  if (!s->mosq_) return std::unexpected("mosquitto_new failed");
  mosquitto_connect_callback_set(s->mosq_, &counting_subscriber::on_connect);
  mosquitto_subscribe_callback_set(s->mosq_, &counting_subscriber::on_subscribe);
  mosquitto_message_callback_set(s->mosq_, &counting_subscriber::on_message);
  if (int rc = mosquitto_connect(s->mosq_, host.c_str(), port, 60); rc != MOSQ_ERR_SUCCESS)
    return std::unexpected(fmt::format("ceiling subscriber: {}", mosquitto_strerror(rc)));
  if (int rc = mosquitto_loop_start(s->mosq_); rc != MOSQ_ERR_SUCCESS)
    return std::unexpected(fmt::format("mosquitto_loop_start: {}", mosquitto_strerror(rc)));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (!s->subscribed_.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  if (!s->subscribed_.load()) return std::unexpected("the ceiling subscriber was not subscribed");
  return s;
}

counting_subscriber::~counting_subscriber() {
  if (!mosq_) return;
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
  mosquitto_destroy(mosq_);
}

void counting_subscriber::on_connect(mosquitto* m, void* self, int rc) {
  auto* s = static_cast<counting_subscriber*>(self);
  s->connack_ = rc;
  if (rc == 0) mosquitto_subscribe(m, nullptr, "campus/#", s->qos_);
}

void counting_subscriber::on_subscribe(mosquitto*, void* self, int, int, const int*) {
  static_cast<counting_subscriber*>(self)->subscribed_ = true;
}

void counting_subscriber::on_message(mosquitto*, void* self, const mosquitto_message*) {
  static_cast<counting_subscriber*>(self)->received_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace campus::bench
