#include "auth/login_limiter.hpp"

#include <algorithm>

namespace campus::auth {

std::chrono::seconds login_limiter::wait(const table& t, std::string_view key,
                                         core::time_point now) const {
  const auto it = t.find(std::string(key));
  if (it == t.end() || it->second.locked_until <= now) return std::chrono::seconds{0};
  return std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
}

std::chrono::seconds login_limiter::retry_after(std::string_view address, std::string_view name,
                                                core::time_point now) const {
  return std::max(wait(by_address_, address, now), wait(by_name_, name, now));
}

void login_limiter::fail(table& t, std::string_view key, int limit, core::time_point now) {
  auto& r = t[std::string(key)];
  r.failures.push_back(now);
  while (!r.failures.empty() && r.failures.front() <= now - settings_.window) {
    r.failures.pop_front();
  }
  if (static_cast<int>(r.failures.size()) >= limit) {
    r.locked_until = now + settings_.lockout;
    r.failures.clear();  // the next lockout needs as many new failures
  }
}

void login_limiter::failed(std::string_view address, std::string_view name,
                           core::time_point now) {
  fail(by_address_, address,
       settings_.max_address_failures > 0 ? settings_.max_address_failures : settings_.max_failures,
       now);
  fail(by_name_, name, settings_.max_failures, now);
  if (tracked() >= prune_at_) prune(now);
}

void login_limiter::succeeded(std::string_view name) { by_name_.erase(std::string(name)); }

void login_limiter::prune(core::time_point now) {
  for (auto* t : {&by_address_, &by_name_}) {
    std::erase_if(*t, [&](const auto& entry) {
      const auto& r = entry.second;
      return r.locked_until <= now &&
             (r.failures.empty() || r.failures.back() <= now - settings_.window);
    });
  }
  // Next sweep when what is left has doubled: amortised constant work per failure.
  prune_at_ = std::max<std::size_t>(4096, tracked() * 2);
}

}  // namespace campus::auth
