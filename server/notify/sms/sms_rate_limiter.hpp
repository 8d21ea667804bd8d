// How many alert messages one phone gets: at most `max_per_window` in any sliding `window`
// (e.g. 3 per 10 minutes). Alerts beyond that are grouped; when the window allows another
// message, ONE summary goes for the whole group ("另有 5 条告警 … 请登录平台查看"). While a group
// is waiting, new alerts join it rather than overtake it, so a flapping sensor costs a phone
// at most `max_per_window` messages per window, summaries included.
//
// Red: the first message for a given alert key (the caller's ledger id, or rule/device for a
// source) to a given phone always goes at once, past the limit and past a waiting group; it
// still takes a slot in the window. Repeats of the same red key (updates, flapping) are limited
// like any other alert, for `red_memory` after that first message. Every other severity has
// no bypass: a blue, yellow or orange alert arriving in a full window waits for the summary.
//
// Pure: time comes from the injected clock; no threads, no I/O. Not thread-safe: call it from
// one strand.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/severity.hpp"

namespace campus::notify::sms {

struct rate_limit_policy {
  int max_per_window = 3;
  core::duration window{std::chrono::minutes{10}};
  core::duration red_memory{std::chrono::hours{24}};
};

// A group of alerts held back for one phone, to be sent as one summary message.
struct grouped_alerts {
  std::string phone;
  int count = 0;
  core::severity highest = core::severity::blue;
  core::time_point first_at{};
  core::time_point last_at{};
};

class sms_rate_limiter {
 public:
  enum class verdict {
    send,      // send this alert's message now
    send_red,  // send now: first red for this key, past the limit
    grouped,   // held back; it will be counted in a summary from take_due()
  };

  sms_rate_limiter(rate_limit_policy policy, const core::clock& clock);

  // One alert message for `phone`. A `send` or `send_red` verdict records the message as sent.
  verdict offer(const std::string& phone, const std::string& alert_key, core::severity severity);

  // The summaries that may go now, one per phone with a waiting group and a free slot; each is
  // recorded as sent. Call it after offer() and on a timer (see next_due()).
  std::vector<grouped_alerts> take_due();

  // When take_due() will next have something, if a group is waiting.
  std::optional<core::time_point> next_due() const;

  // Phones with state (sent times in the window, a waiting group or remembered red keys).
  std::size_t tracked_phones() const { return phones_.size(); }

 private:
  struct phone_state {
    std::deque<core::time_point> sent;  // within the window, oldest first
    std::optional<grouped_alerts> group;
    std::map<std::string, core::time_point> red_keys;  // first red message per key
  };

  void forget_old(phone_state& p, core::time_point now) const;
  bool has_slot(const phone_state& p) const;
  void prune_idle();

  rate_limit_policy policy_;
  const core::clock& clock_;
  std::map<std::string, phone_state> phones_;
};

}  // namespace campus::notify::sms
