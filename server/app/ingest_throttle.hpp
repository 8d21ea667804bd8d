// Backpressure from history to the broker (docs/reliability.md, "Overload"): while the history
// store is behind (history_store::behind(), past its high-water mark), the MQTT client reads
// nothing more; the broker keeps the backlog for our persistent QoS 1 session, the store
// catches up, and reading resumes below the low-water mark. So no reading the broker handed
// over is dropped for lack of room, and the store's memory stays bounded. It also says what
// /readyz reports as "history": behind (ingest paused), or unable to write.
//
// On the io_context: after_message() is called by the MQTT handler after each message (one
// atomic load while not paused); a timer looks at the store every 100 ms while paused, to
// resume, and every second otherwise, for write errors. paused_ is atomic so that the handler's
// strand and the timer may run on different threads.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <string>

#include "core/metrics.hpp"
#include "core/readiness.hpp"
#include "history/history_store.hpp"
#include "mqtt/mqtt_client.hpp"

namespace campus::app {

class ingest_throttle {
 public:
  // All must outlive the throttle. `high_water` is only quoted in the log and the reason.
  ingest_throttle(boost::asio::io_context& io, history::history_store& store,
                  mqtt::mqtt_client& broker, core::readiness& readiness, core::metrics& metrics,
                  std::size_t high_water);

  void start();
  void stop();  // cancels the timer; reading is left as it is (the client is stopping too)

  // After each message the pipeline took: pauses reading at once when the store is behind.
  void after_message() {
    if (!paused_.load(std::memory_order_relaxed) && store_.behind()) pause();
  }

  bool paused() const { return paused_.load(); }

 private:
  void pause();
  void resume(const history::store_lag& lag);
  void schedule();
  void look();
  // Reports or clears "history" in readiness; the reason is kept while its kind stays the same,
  // so the log says each change once rather than every second.
  void report(const history::store_lag& lag);

  boost::asio::steady_timer timer_;
  history::history_store& store_;
  mqtt::mqtt_client& broker_;
  core::readiness& readiness_;
  core::metrics::counter& paused_gauge_;
  core::metrics::counter& pauses_;
  const std::size_t high_water_;
  std::atomic<bool> paused_{false};
  bool stopped_ = false;
  std::chrono::steady_clock::time_point paused_at_;
  std::uint64_t waiting_at_pause_ = 0;
  std::string reported_kind_;  // "", "behind" or "failing", with the error
};

}  // namespace campus::app
