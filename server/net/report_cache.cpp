#include "net/report_cache.hpp"

namespace campus::net {

bool report_cache::join(const std::string& key, core::time_point now, waiter w) {
  std::optional<outcome> ready;
  {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(key);
    if (it != slots_.end() && it->second.pending) {
      it->second.waiting.push_back(std::move(w));
      return false;
    }
    if (it != slots_.end() && it->second.made && now - it->second.made_at < keep_) {
      ready = *it->second.made;
    } else {
      slot& s = slots_[key];
      s = slot{};
      s.waiting.push_back(std::move(w));
      return true;
    }
  }
  w(*ready);
  return false;
}

void report_cache::finish(const std::string& key, outcome o, core::time_point now) {
  std::vector<waiter> waiting;
  {
    std::lock_guard lock(mutex_);
    auto it = slots_.find(key);
    if (it == slots_.end()) return;
    waiting = std::move(it->second.waiting);
    if (o) {
      it->second.pending = false;
      it->second.made = o;
      it->second.made_at = now;
    } else {
      slots_.erase(it);
    }
    // Reports no longer fresh go first once there are too many.
    for (auto s = slots_.begin(); slots_.size() > max_slots_ && s != slots_.end();) {
      if (!s->second.pending && now - s->second.made_at >= keep_) s = slots_.erase(s);
      else ++s;
    }
  }
  for (const auto& w : waiting) w(o);
}

}  // namespace campus::net
