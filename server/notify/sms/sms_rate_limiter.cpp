#include "notify/sms/sms_rate_limiter.hpp"

#include <algorithm>

namespace campus::notify::sms {

sms_rate_limiter::sms_rate_limiter(rate_limit_policy policy, const core::clock& clock)
    : policy_(policy), clock_(clock) {}

void sms_rate_limiter::forget_old(phone_state& p, core::time_point now) const {
  while (!p.sent.empty() && now - p.sent.front() >= policy_.window) p.sent.pop_front();
  std::erase_if(p.red_keys, [&](const auto& kv) { return now - kv.second >= policy_.red_memory; });
}

bool sms_rate_limiter::has_slot(const phone_state& p) const {
  return static_cast<int>(p.sent.size()) < policy_.max_per_window;
}

sms_rate_limiter::verdict sms_rate_limiter::offer(const std::string& phone,
                                                  const std::string& alert_key,
                                                  core::severity severity) {
  auto now = clock_.now();
  auto& p = phones_[phone];
  forget_old(p, now);
  if (severity == core::severity::red && !p.red_keys.contains(alert_key)) {
    p.red_keys.emplace(alert_key, now);
    p.sent.push_back(now);
    return verdict::send_red;
  }
  if (!p.group && has_slot(p)) {
    p.sent.push_back(now);
    return verdict::send;
  }
  if (!p.group) p.group = grouped_alerts{phone, 0, severity, now, now};
  auto& g = *p.group;
  ++g.count;
  g.highest = std::max(g.highest, severity);
  g.last_at = now;
  return verdict::grouped;
}

std::vector<grouped_alerts> sms_rate_limiter::take_due() {
  auto now = clock_.now();
  std::vector<grouped_alerts> due;
  for (auto& [phone, p] : phones_) {
    forget_old(p, now);
    if (p.group && has_slot(p)) {
      due.push_back(std::move(*p.group));
      p.group.reset();
      p.sent.push_back(now);
    }
  }
  prune_idle();
  return due;
}

std::optional<core::time_point> sms_rate_limiter::next_due() const {
  std::optional<core::time_point> next;
  for (const auto& [phone, p] : phones_) {
    if (!p.group) continue;
    // The first slot frees when the oldest message in the full window leaves it.
    auto at = has_slot(p) || p.sent.empty() ? clock_.now() : p.sent.front() + policy_.window;
    if (!next || at < *next) next = at;
  }
  return next;
}

void sms_rate_limiter::prune_idle() {
  // Bounded memory: a phone that got nothing for a whole window and waits for nothing goes.
  std::erase_if(phones_, [](const auto& kv) {
    const auto& p = kv.second;
    return p.sent.empty() && !p.group && p.red_keys.empty();
  });
}

}  // namespace campus::notify::sms
