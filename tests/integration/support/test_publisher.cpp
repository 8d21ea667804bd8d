#include "support/test_publisher.hpp"

#include <mosquitto.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>

namespace campus::test {
namespace {

void init_library_once() {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
}

std::string unique_id() {
  static std::atomic<int> n{0};
  return "campus-test-pub-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

}  // namespace

test_publisher::test_publisher(int port, std::string client_id) {
  init_library_once();
  if (client_id.empty()) client_id = unique_id();
  mosq_ = mosquitto_new(client_id.c_str(), true, this);
  if (!mosq_) throw std::runtime_error("mosquitto_new failed");
  mosquitto_connect_callback_set(mosq_, &test_publisher::on_connect);
  mosquitto_publish_callback_set(mosq_, &test_publisher::on_publish);
  int rc = mosquitto_connect(mosq_, "127.0.0.1", port, 30);
  if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_loop_start(mosq_);
  if (rc != MOSQ_ERR_SUCCESS) {
    mosquitto_destroy(mosq_);
    throw std::runtime_error("test_publisher: connect to port " + std::to_string(port) + ": " +
                             mosquitto_strerror(rc));
  }
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, std::chrono::seconds{10}, [&] { return connack_ >= 0; }) ||
      connack_ != 0) {
    int code = connack_;
    lock.unlock();
    mosquitto_loop_stop(mosq_, true);
    mosquitto_destroy(mosq_);
    throw std::runtime_error("test_publisher: no successful CONNACK (" + std::to_string(code) + ")");
  }
}

test_publisher::~test_publisher() {
  mosquitto_disconnect(mosq_);
  mosquitto_loop_stop(mosq_, false);
  mosquitto_destroy(mosq_);
}

void test_publisher::on_connect(mosquitto*, void* self, int rc) {
  auto* p = static_cast<test_publisher*>(self);
  std::lock_guard lock(p->mutex_);
  p->connack_ = rc;
  p->changed_.notify_all();
}

void test_publisher::on_publish(mosquitto*, void* self, int mid) {
  auto* p = static_cast<test_publisher*>(self);
  std::lock_guard lock(p->mutex_);
  if (p->pending_.erase(mid) == 0) p->acked_early_.insert(mid);
  p->changed_.notify_all();
}

int test_publisher::send(std::string_view topic, std::string_view payload, int qos) {
  // mosquitto_publish is called without our mutex: the network thread takes it in
  // on_publish, and may acknowledge the message before we record its mid (acked_early_).
  std::string t(topic);
  int mid = 0;
  int rc = mosquitto_publish(mosq_, &mid, t.c_str(), static_cast<int>(payload.size()),
                             payload.data(), qos, false);
  if (rc != MOSQ_ERR_SUCCESS)
    throw std::runtime_error("test_publisher: publish " + t + ": " + mosquitto_strerror(rc));
  std::lock_guard lock(mutex_);
  if (acked_early_.erase(mid) == 0) pending_.insert(mid);
  return mid;
}

void test_publisher::publish(std::string_view topic, std::string_view payload, int qos) {
  int mid = send(topic, payload, qos);
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, std::chrono::seconds{30}, [&] { return !pending_.contains(mid); }))
    throw std::runtime_error("test_publisher: no acknowledgement for " + std::string(topic));
}

void test_publisher::publish_nowait(std::string_view topic, std::string_view payload, int qos) {
  send(topic, payload, qos);
}

bool test_publisher::wait_all_acked(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return pending_.empty(); });
}

}  // namespace campus::test
