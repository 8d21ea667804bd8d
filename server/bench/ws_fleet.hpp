// K dashboard clients on /ws, all on one Asio thread (no thread per connection): each reads
// messages as fast as they come and hands every `alert` message's device and condition to the
// handler, with the steady-clock time it was read. Other messages (snapshot, readings) are
// recognised by their first bytes and dropped unparsed, so a client keeps up with the server.
// Clients bind to 127.0.1.x source addresses, 200 per address, because the server caps
// connections per address (net/address_guard: 256) as it would for one school's NAT.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace campus::bench {

class ws_fleet {
 public:
  using steady = std::chrono::steady_clock;
  // Called on the fleet's thread: client index, the alert's device, whether its condition is
  // active (raised, refired) rather than cleared, and when the message was read.
  using alert_handler =
      std::function<void(int client, std::string_view device, bool active, steady::time_point)>;

  ws_fleet(int port, std::string token, int clients, alert_handler on_alert);
  ~ws_fleet();
  ws_fleet(const ws_fleet&) = delete;
  ws_fleet& operator=(const ws_fleet&) = delete;

  // Connects every client and waits (at most `timeout`) until each has its snapshot; the
  // number that did.
  int open(std::chrono::milliseconds timeout);
  int ready() const { return ready_.load(); }
  int failed() const { return failed_.load(); }
  // Clients whose connection ended after their snapshot (closed by the server).
  int closed() const { return closed_.load(); }
  std::uint64_t messages() const { return messages_.load(); }

 private:
  class client;
  boost::asio::io_context io_;
  std::string token_;
  int port_;
  int count_;
  alert_handler on_alert_;
  std::vector<std::shared_ptr<client>> clients_;
  std::atomic<int> ready_{0};
  std::atomic<int> failed_{0};
  std::atomic<int> closed_{0};
  std::atomic<std::uint64_t> messages_{0};
  std::thread thread_;
};

}  // namespace campus::bench
