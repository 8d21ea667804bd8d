// Per-address limits on the HTTP port, so that one client (or one misbehaving script) cannot
// take the server from everyone else: a cap on its open connections (HTTP and WebSocket alike)
// and a token bucket on its request rate. Thread-safe; shared by every session through the
// session_context.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>

#include "core/metrics.hpp"

namespace campus::net {

class address_guard {
 public:
  struct limits {
    std::size_t max_connections = 256;  // open at once per address (a school's NAT shares one)
    double requests_per_second = 50;    // sustained, per address
    double burst = 500;                 // requests allowed at once after a quiet spell
  };
  using clock = std::chrono::steady_clock;

  // Metrics: campus_http_refused_total{reason="connections"|"rate"}.
  address_guard(limits l, core::metrics& metrics);

  // A connection's hold on its address; the count goes down when the slot is destroyed.
  class slot {
   public:
    slot(slot&& other) noexcept : guard_(other.guard_), address_(other.address_) {
      other.guard_ = nullptr;
    }
    slot& operator=(slot&&) = delete;
    slot(const slot&) = delete;
    ~slot();
    const boost::asio::ip::address& address() const { return address_; }

   private:
    friend class address_guard;
    slot(address_guard* g, boost::asio::ip::address a) : guard_(g), address_(std::move(a)) {}
    address_guard* guard_;
    boost::asio::ip::address address_;
  };

  // nullopt (and counted) when the address already holds max_connections.
  std::optional<slot> admit(const boost::asio::ip::address& a);
  // One request from `a` at `now`; false (and counted) when its bucket is empty.
  bool allow_request(const boost::asio::ip::address& a, clock::time_point now = clock::now());
  // When the next request from `a` would be allowed (for Retry-After), in whole seconds >= 1.
  std::chrono::seconds retry_after(const boost::asio::ip::address& a) const;

  std::size_t tracked_addresses() const;

 private:
  struct state {
    std::size_t connections = 0;
    double tokens = 0;
    clock::time_point refilled{};
  };
  void release(const boost::asio::ip::address& a);

  const limits limits_;
  mutable std::mutex mutex_;
  std::map<boost::asio::ip::address, state> addresses_;
  core::metrics::counter& refused_connections_;
  core::metrics::counter& refused_requests_;
};

}  // namespace campus::net
