#include "net/address_guard.hpp"

#include <algorithm>
#include <cmath>

namespace campus::net {

address_guard::address_guard(limits l, core::metrics& metrics)
    : limits_(l),
      refused_connections_(metrics.get("campus_http_refused_total", "reason=\"connections\"")),
      refused_requests_(metrics.get("campus_http_refused_total", "reason=\"rate\"")) {
  metrics.describe("campus_http_refused_total", "counter",
                   "Connections closed at once (too many from one address) and requests "
                   "answered 429 (too fast from one address).");
}

address_guard::slot::~slot() {
  if (guard_) guard_->release(address_);
}

std::optional<address_guard::slot> address_guard::admit(const boost::asio::ip::address& a) {
  std::lock_guard lock(mutex_);
  auto [it, fresh] = addresses_.try_emplace(a);
  if (fresh) {
    it->second.tokens = limits_.burst;
    it->second.refilled = clock::now();
  }
  if (it->second.connections >= limits_.max_connections) {
    refused_connections_.inc();
    return std::nullopt;
  }
  ++it->second.connections;
  return slot(this, a);
}

void address_guard::release(const boost::asio::ip::address& a) {
  std::lock_guard lock(mutex_);
  auto it = addresses_.find(a);
  if (it == addresses_.end()) return;
  if (it->second.connections > 0) --it->second.connections;
  // An address with no connection left is forgotten: its bucket starts full next time, which
  // costs at most one burst per reconnect — the connection cap and the accept rate bound that.
  if (it->second.connections == 0) addresses_.erase(it);
}

bool address_guard::allow_request(const boost::asio::ip::address& a, clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto it = addresses_.find(a);
  if (it == addresses_.end()) return true;  // not a connection we admitted (tests, internal)
  state& s = it->second;
  const double elapsed = std::chrono::duration<double>(now - s.refilled).count();
  if (elapsed > 0) {
    s.tokens = std::min(limits_.burst, s.tokens + elapsed * limits_.requests_per_second);
    s.refilled = now;
  }
  if (s.tokens < 1) {
    refused_requests_.inc();
    return false;
  }
  s.tokens -= 1;
  return true;
}

std::chrono::seconds address_guard::retry_after(const boost::asio::ip::address& a) const {
  std::lock_guard lock(mutex_);
  auto it = addresses_.find(a);
  if (it == addresses_.end() || it->second.tokens >= 1) return std::chrono::seconds(1);
  const double wait = (1 - it->second.tokens) / limits_.requests_per_second;
  return std::chrono::seconds(std::max<long>(1, static_cast<long>(std::ceil(wait))));
}

std::size_t address_guard::tracked_addresses() const {
  std::lock_guard lock(mutex_);
  return addresses_.size();
}

}  // namespace campus::net
