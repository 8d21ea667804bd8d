// How a text message reaches a phone. Three gateways implement this interface: an smstools spool
// (a GSM modem on site), an HTTP SMS provider, and a log for demos. The escalation code sees only
// this interface, so a school can change its gateway in the configuration alone.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/reading.hpp"

namespace campus::notify::sms {

struct sms_message {
  std::string id;    // ours, unique per message; echoed in every delivery_result
  std::string to;    // E.164: "+" then 8..15 digits, e.g. "+8613800000000"
  std::string text;  // UTF-8
};

enum class delivery_status { queued, sent, failed };

constexpr std::string_view to_string(delivery_status s) {
  switch (s) {
    case delivery_status::queued:
      return "queued";
    case delivery_status::sent:
      return "sent";
    case delivery_status::failed:
      return "failed";
  }
  return "unknown";
}

struct delivery_result {
  std::string id;  // the sms_message id
  delivery_status status = delivery_status::queued;
  std::string reason;     // why it failed; for sent/queued, a detail such as smsd's "Sent:" stamp
  core::time_point at{};  // when the gateway learnt it (wall clock)
};

// Called zero or one time with `queued` (handed to the modem spool or provider queue), then
// exactly once with `sent` or `failed`, unless the gateway is destroyed first. It runs on the
// gateway's own thread: post to your own executor before touching your state.
using delivery_callback = std::function<void(const delivery_result&)>;

class sms_gateway {
 public:
  virtual ~sms_gateway() = default;

  // Never blocks and never throws for bad input: an invalid number or an overfull queue is
  // reported through `on_result` as `failed`. Safe to call from any thread.
  virtual void send(sms_message message, delivery_callback on_result) = 0;

  // "smstools", "http" or "log"; for logs and metrics labels.
  virtual std::string_view name() const = 0;
};

}  // namespace campus::notify::sms
