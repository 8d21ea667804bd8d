// What ingest does while history cannot keep up (docs/reliability.md, "Overload"). A history
// store is behind (history_store::behind()) once more than its high-water mark of readings
// wait in it. Then:
//
// - With the crash journal (journal/message_journal.hpp) writing and below 90 % of its limit,
//   the journal holds what history cannot take: every message is still handled at once (rules,
//   alarms, texts, dashboards), but its readings are left out of the store
//   (app/history_feed.hpp) and read back from the journal at the store's pace, a run at a time
//   on the loop, whenever the store is below its low-water mark. Once the reader has caught up
//   with the appends, the store is fed directly again, and the journal lets the held segments
//   go when the store says what it was handed is durable. Alarms do not wait for history.
// - Without a journal to hold them (it is off, cannot write, or reaches 90 % of its limit), the
//   MQTT client reads nothing more: the broker keeps the backlog for our persistent QoS 1
//   session, and reading resumes when the store is below its low-water mark (or the journal
//   below 80 % of its limit). Alarms then wait at the broker with everything else.
//
// Either way no reading the broker handed over is dropped, and the store's memory stays within
// its high-water mark. It also says what /readyz reports as "history": behind (held in the
// journal, or ingest paused), or unable to write.
//
// On the io_context's one thread: after_message() after each message (two atomic loads while
// nothing is wrong); a timer looks at the store every 100 ms while holding or paused, every
// second otherwise (for write errors).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "core/metrics.hpp"
#include "core/readiness.hpp"
#include "history/history_store.hpp"
#include "journal/message_journal.hpp"
#include "mqtt/mqtt_client.hpp"

namespace campus::app {

class ingest_throttle {
 public:
  // Hands the readings of one message read back from the journal to the store.
  using history_writer = std::function<void(const journal::journaled_message&)>;

  // All must outlive the throttle. `high_water` is only quoted in the log and the reason.
  ingest_throttle(boost::asio::io_context& io, history::history_store& store,
                  mqtt::mqtt_client& broker, core::readiness& readiness, core::metrics& metrics,
                  std::size_t high_water);

  // Before start(); without it (no journal) a store behind pauses ingest. If the journal is
  // holding already (the segments a previous run left), reading them back begins at start().
  void set_journal(journal::message_journal* journal, history_writer write);

  void start();
  void stop();  // cancels the timer; reading is left as it is (the client is stopping too)

  // After each message the pipeline took; `journaled`: the journal has it.
  void after_message(bool journaled) {
    if (paused_.load(std::memory_order_relaxed)) return;
    if (holding()) {
      if (!journaled || !journal_->has_room(hold_limit)) pause(pause_cause::journal);
    } else if (store_.behind()) {
      behind(journaled);
    }
  }

  // True while the journal holds history's readings: the application leaves them out of the
  // store.
  bool holding() const { return journal_ && journal_->holding(); }
  bool paused() const { return paused_.load(); }

  static constexpr double hold_limit = 0.9;    // of the journal's max_bytes
  static constexpr double resume_limit = 0.8;

 private:
  enum class pause_cause { store, journal };

  // The store went behind while the journal is not holding: hold, or pause.
  void behind(bool journaled);
  void pause(pause_cause cause);
  void resume(const history::store_lag& lag);
  void schedule();
  void look();
  // Reads held messages back into the store while it takes them; on the loop, a run at a time.
  void read_back();
  void caught_up();
  // Reports or clears "history" in readiness; the reason is kept while its kind stays the same,
  // so the log says each change once rather than every second.
  void report(const history::store_lag& lag);

  boost::asio::steady_timer timer_;
  history::history_store& store_;
  mqtt::mqtt_client& broker_;
  core::readiness& readiness_;
  core::metrics::counter& paused_gauge_;
  core::metrics::counter& pauses_;
  core::metrics::counter& holding_gauge_;
  core::metrics::counter& holds_;
  core::metrics::counter& read_back_;
  const std::size_t high_water_;
  journal::message_journal* journal_ = nullptr;
  history_writer write_;
  std::atomic<bool> paused_{false};
  pause_cause cause_ = pause_cause::store;
  bool stopped_ = false;
  bool reading_back_ = false;  // a run of read_back() is posted
  std::chrono::steady_clock::time_point paused_at_;
  std::chrono::steady_clock::time_point held_at_;
  std::chrono::system_clock::time_point held_since_;
  std::uint64_t waiting_at_pause_ = 0;
  std::uint64_t read_back_in_hold_ = 0;
  std::string reported_kind_;  // "", "behind", "holding", "journal" or "failing", with the error
};

}  // namespace campus::app
