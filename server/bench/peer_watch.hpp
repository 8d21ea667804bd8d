// The peer's side of the comparison: one WebSocket client of the Node-RED flow
// (scripts/node-red), on its own thread. The flow sends {"device","value","ts"} for every gas
// reading above the red threshold, and {"count":n} each second with the MQTT messages it has
// received so far; both are handed out with the steady-clock time they were read.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/io_context.hpp>

namespace campus::bench {

class peer_watch {
 public:
  using steady = std::chrono::steady_clock;
  using alert_handler = std::function<void(std::string_view device, steady::time_point at)>;

  // `url`: ws://127.0.0.1:PORT/PATH.
  peer_watch(std::string url, alert_handler on_alert);
  ~peer_watch();
  peer_watch(const peer_watch&) = delete;
  peer_watch& operator=(const peer_watch&) = delete;

  // Connects and waits for the first count message (at most `timeout`).
  bool open(std::chrono::milliseconds timeout);

  struct count_sample {
    double count = -1;  // -1: none yet
    steady::time_point at{};
  };
  count_sample last_count() const;

 private:
  void read();
  struct session;
  std::string url_;
  alert_handler on_alert_;
  boost::asio::io_context io_;
  std::shared_ptr<session> session_;
  mutable std::mutex mutex_;
  count_sample last_;
  std::thread thread_;
};

}  // namespace campus::bench
