#include "account_client.hpp"

#include <mosquitto.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace campus::test {
namespace {

constexpr auto reply_wait = std::chrono::seconds{10};

std::string unique_id() {
  static std::atomic<int> n{0};
  return "campus-account-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
}

}  // namespace

account_client::account_client(int port, login_options login) {
  static std::once_flag once;
  std::call_once(once, [] { mosquitto_lib_init(); });
  mosq_ = mosquitto_new(unique_id().c_str(), true, this);
  if (!mosq_) throw std::runtime_error("mosquitto_new failed");
  mosquitto_connect_callback_set(mosq_, &account_client::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &account_client::on_disconnect);
  mosquitto_publish_callback_set(mosq_, &account_client::on_publish);
  mosquitto_subscribe_callback_set(mosq_, &account_client::on_subscribe);
  mosquitto_message_callback_set(mosq_, &account_client::on_message);
  if (!login.username.empty())
    mosquitto_username_pw_set(mosq_, login.username.c_str(),
                              login.password.empty() ? nullptr : login.password.c_str());
  if (!login.ca_file.empty() &&
      mosquitto_tls_set(mosq_, login.ca_file.c_str(), nullptr, nullptr, nullptr, nullptr) !=
          MOSQ_ERR_SUCCESS)
    throw std::runtime_error("mosquitto_tls_set " + login.ca_file);
  // A refused TLS handshake fails inside mosquitto_connect itself: no CONNACK, connack_ -1.
  if (mosquitto_connect(mosq_, "127.0.0.1", port, 30) != MOSQ_ERR_SUCCESS) return;
  if (mosquitto_loop_start(mosq_) != MOSQ_ERR_SUCCESS) return;
  loop_started_ = true;
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, reply_wait, [&] { return connack_ >= 0 || closed_; });
}

account_client::~account_client() {
  mosquitto_disconnect(mosq_);
  if (loop_started_) mosquitto_loop_stop(mosq_, true);  // force: a refused client may reconnect
  mosquitto_destroy(mosq_);
}

void account_client::on_connect(mosquitto*, void* self, int rc) {
  auto* c = static_cast<account_client*>(self);
  std::lock_guard lock(c->mutex_);
  if (c->connack_ < 0) c->connack_ = rc;  // the first answer is the one the test asks about
  c->changed_.notify_all();
}

void account_client::on_disconnect(mosquitto*, void* self, int) {
  auto* c = static_cast<account_client*>(self);
  std::lock_guard lock(c->mutex_);
  c->closed_ = true;
  c->changed_.notify_all();
}

void account_client::on_publish(mosquitto*, void* self, int mid) {
  auto* c = static_cast<account_client*>(self);
  std::lock_guard lock(c->mutex_);
  c->acked_.insert(mid);
  c->changed_.notify_all();
}

void account_client::on_subscribe(mosquitto*, void* self, int mid, int count, const int* granted) {
  auto* c = static_cast<account_client*>(self);
  std::lock_guard lock(c->mutex_);
  c->subacks_.emplace_back(mid, count > 0 ? granted[0] : -1);
  c->changed_.notify_all();
}

void account_client::on_message(mosquitto*, void* self, const mosquitto_message* m) {
  auto* c = static_cast<account_client*>(self);
  std::lock_guard lock(c->mutex_);
  c->received_.emplace_back(m->topic, std::string(static_cast<const char*>(m->payload),
                                                  static_cast<std::size_t>(m->payloadlen)));
  c->changed_.notify_all();
}

bool account_client::publish(const std::string& topic, const std::string& payload) {
  int mid = 0;
  if (mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                        payload.data(), 1, false) != MOSQ_ERR_SUCCESS)
    return false;
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, reply_wait, [&] { return acked_.contains(mid); });
}

int account_client::subscribe(const std::string& filter) {
  int mid = 0;
  if (mosquitto_subscribe(mosq_, &mid, filter.c_str(), 1) != MOSQ_ERR_SUCCESS) return -1;
  std::unique_lock lock(mutex_);
  int granted = -1;
  changed_.wait_for(lock, reply_wait, [&] {
    auto it = std::find_if(subacks_.begin(), subacks_.end(),
                           [&](const auto& s) { return s.first == mid; });
    if (it != subacks_.end()) granted = it->second;
    return it != subacks_.end();
  });
  return granted;
}

std::vector<std::pair<std::string, std::string>> account_client::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

bool account_client::wait_for_topic(const std::string& topic, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return std::any_of(received_.begin(), received_.end(),
                       [&](const auto& m) { return m.first == topic; });
  });
}

}  // namespace campus::test
