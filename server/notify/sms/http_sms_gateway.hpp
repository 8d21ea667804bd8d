// SMS through an HTTP provider: one POST per message with a body from a template
// (http_body_template.hpp) and configured headers (e.g. Authorization).
//   2xx            -> sent (the provider accepted it; delivery reports are the provider's)
//   5xx, timeout, connection error -> retried with exponential backoff, then failed
//   4xx and others -> failed at once, the provider's body (cut to 300 bytes) as the reason
// Runs on its own thread with Beast; at most `max_in_flight` requests at once, the rest wait
// in a bounded queue.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <expected>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "notify/sms/gateway_thread.hpp"
#include "notify/sms/provider_url.hpp"
#include "notify/sms/sms_gateway.hpp"

namespace campus::notify::sms {

struct http_sms_settings {
  std::string url;  // http://host[:port]/path
  std::string body_template = R"({"to":"{to}","text":"{text}","id":"{id}"})";
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. {"Authorization", "Bearer …"}
  std::chrono::milliseconds timeout{10000};                  // per attempt: connect + send + answer
  int max_attempts = 3;
  std::chrono::milliseconds backoff{1000};  // before the 2nd attempt; doubles each time
  std::size_t max_in_flight = 4;
  std::size_t max_queue = 1000;  // waiting messages beyond it are failed at once
};

class http_sms_gateway final : public sms_gateway {
 public:
  // Fails fast on a bad URL or a non-positive timeout/attempt count/queue size.
  static std::expected<std::unique_ptr<http_sms_gateway>, std::string> open(
      http_sms_settings settings);
  // Stops the thread; requests under way are abandoned without a callback.
  ~http_sms_gateway() override;

  void send(sms_message message, delivery_callback on_result) override;
  std::string_view name() const override { return "http"; }

 private:
  struct job {
    sms_message message;
    delivery_callback on_result;
  };
  struct reply {
    unsigned status = 0;
    std::string body;
  };

  http_sms_gateway(http_sms_settings settings, provider_url url);
  void enqueue(job j);
  void start_next();
  boost::asio::awaitable<void> deliver(job j);
  // One attempt; an error is a transport failure described for the reason.
  boost::asio::awaitable<std::expected<reply, std::string>> post_once(const std::string& body);

  http_sms_settings settings_;
  provider_url url_;
  std::deque<job> queue_;      // gateway thread only
  std::size_t in_flight_ = 0;  // gateway thread only
  gateway_thread thread_{"http"};
};

}  // namespace campus::notify::sms
