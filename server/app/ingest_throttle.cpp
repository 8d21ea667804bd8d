#include "app/ingest_throttle.hpp"

#include <boost/asio/post.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "core/log.hpp"

namespace campus::app {

namespace {

using namespace std::chrono_literals;

constexpr auto look_while_behind = 100ms;  // how late a resume or a read-back run can be
constexpr auto look_otherwise = 1s;        // how late a write error shows in /readyz
// Messages read back per run: a run costs a few milliseconds of the loop, then alarms go first.
constexpr std::size_t run_messages = 2'000;

}  // namespace

ingest_throttle::ingest_throttle(boost::asio::io_context& io, history::history_store& store,
                                 mqtt::mqtt_client& broker, core::readiness& readiness,
                                 core::metrics& metrics, std::size_t high_water)
    : timer_(io),
      store_(store),
      broker_(broker),
      readiness_(readiness),
      paused_gauge_(metrics.get("campus_ingest_paused")),
      pauses_(metrics.get("campus_ingest_pauses_total")),
      holding_gauge_(metrics.get("campus_history_held")),
      holds_(metrics.get("campus_history_holds_total")),
      read_back_(metrics.get("campus_history_read_back_total")),
      high_water_(high_water) {
  metrics.describe("campus_ingest_paused", "gauge",
                   "1 while reading from the broker is paused because history is behind and "
                   "the crash journal cannot hold its readings");
  metrics.describe("campus_ingest_pauses_total", "counter",
                   "Times reading from the broker was paused because history fell behind");
  metrics.describe("campus_history_held", "gauge",
                   "1 while history is behind and its readings wait in the crash journal");
  metrics.describe("campus_history_holds_total", "counter",
                   "Times history fell behind and the crash journal began to hold its readings");
  metrics.describe("campus_history_read_back_total", "counter",
                   "Messages read back from the crash journal into history");
  paused_gauge_.set(0);
  holding_gauge_.set(0);
}

void ingest_throttle::set_journal(journal::message_journal* journal, history_writer write) {
  journal_ = journal;
  write_ = std::move(write);
  if (holding()) {  // the segments a previous run left
    held_at_ = std::chrono::steady_clock::now();
    held_since_ = std::chrono::system_clock::now();
    holding_gauge_.set(1);
  }
}

void ingest_throttle::start() {
  schedule();
  if (holding()) read_back();
}

void ingest_throttle::stop() {
  stopped_ = true;
  timer_.cancel();
}

void ingest_throttle::behind(bool journaled) {
  if (!journal_ || !journaled || !journal_->has_room(hold_limit)) return pause(pause_cause::store);
  journal_->hold();
  held_at_ = std::chrono::steady_clock::now();
  held_since_ = std::chrono::system_clock::now();
  read_back_in_hold_ = 0;
  holding_gauge_.set(1);
  holds_.inc();
  const auto lag = store_.lag();
  core::log(core::log_level::warn,
            "history is {} readings behind (high-water mark {}{}{}): its readings wait in the "
            "crash journal and are stored as it catches up; messages are handled as they arrive",
            lag.waiting, high_water_, lag.reason.empty() ? "" : "; ", lag.reason);
  report(lag);
  if (!stopped_) schedule();  // look sooner than the one-second timer would
}

void ingest_throttle::pause(pause_cause cause) {
  if (paused_.exchange(true)) return;
  cause_ = cause;
  broker_.pause_reading();
  paused_at_ = std::chrono::steady_clock::now();
  const auto lag = store_.lag();
  waiting_at_pause_ = lag.waiting;
  paused_gauge_.set(1);
  pauses_.inc();
  if (cause == pause_cause::journal) {
    core::log(core::log_level::warn,
              "ingest paused: history is behind and the crash journal cannot hold more ({} MiB "
              "held); the broker keeps the backlog",
              journal_->bytes() >> 20);
  } else {
    core::log(core::log_level::warn,
              "ingest paused: history is {} readings behind (high-water mark {}{}{}); the "
              "broker keeps the backlog",
              lag.waiting, high_water_, lag.reason.empty() ? "" : "; ", lag.reason);
  }
  report(lag);
  if (!stopped_) schedule();
}

void ingest_throttle::resume(const history::store_lag& lag) {
  if (!paused_.exchange(false)) return;
  broker_.resume_reading();
  paused_gauge_.set(0);
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - paused_at_).count();
  core::log(core::log_level::info,
            "ingest resumed after {:.1f} s: history is down to {} readings behind", seconds,
            lag.waiting);
}

void ingest_throttle::schedule() {
  timer_.expires_after(paused_.load() || holding() ? look_while_behind : look_otherwise);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    look();
    schedule();
  });
}

void ingest_throttle::look() {
  if (holding()) read_back();
  const auto lag = store_.lag();
  if (paused_.load()) {
    const bool may_resume = cause_ == pause_cause::journal
                                ? !holding() && journal_->has_room(resume_limit)
                                : !lag.behind;
    if (may_resume) resume(lag);
  } else if (!holding() && lag.behind && !journal_) {
    // Behind while no message arrives (the spool filling from the memory batches). With a
    // journal, the next message's after_message() holds.
    return pause(pause_cause::store);
  }
  report(lag);
}

void ingest_throttle::read_back() {
  reading_back_ = false;
  if (stopped_ || !holding()) return;
  std::size_t handed = 0;
  while (handed < run_messages && !store_.behind()) {
    const auto n = journal_->read_held(std::min<std::size_t>(500, run_messages - handed),
                                       [this](const journal::journaled_message& m) { write_(m); });
    if (n == 0) break;
    handed += n;
  }
  read_back_.inc(handed);
  read_back_in_hold_ += handed;
  if (journal_->caught_up()) return caught_up();
  // More to read and the store takes it: go on after whatever waits on the loop (alarms
  // first); otherwise the timer comes back in 100 ms.
  if (!store_.behind() && !reading_back_) {
    reading_back_ = true;
    boost::asio::post(timer_.get_executor(), [this] { read_back(); });
  }
}

void ingest_throttle::caught_up() {
  journal_->stop_holding();
  holding_gauge_.set(0);
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - held_at_).count();
  core::log(core::log_level::info,
            "history caught up with the crash journal after {:.1f} s ({} messages read back); "
            "readings go to the store directly again",
            seconds, read_back_in_hold_);
  read_back_in_hold_ = 0;
  // The held segments go once the store has made what it was handed durable.
  store_.when_durable([this, executor = timer_.get_executor()] {
    boost::asio::post(executor, [this] { journal_->release(); });
  });
  report(store_.lag());
}

void ingest_throttle::report(const history::store_lag& lag) {
  std::string kind;
  std::string reason;
  if (paused_.load() && cause_ == pause_cause::journal) {
    kind = "journal";
    reason = fmt::format("history is behind and the crash journal holds {} MiB, near its limit; "
                         "ingest paused until history catches up (alarms wait at the broker)",
                         journal_->bytes() >> 20);
  } else if (paused_.load()) {
    kind = "behind";
    reason = fmt::format("history is {} readings behind{}{}; ingest paused until it catches up",
                         waiting_at_pause_, lag.reason.empty() ? "" : " (" + lag.reason + ")",
                         lag.write_error.empty() ? "" : "; last write error: " + lag.write_error);
  } else if (holding()) {
    kind = "holding";
    reason = fmt::format(
        "history is behind{}{}; readings since {:%H:%M:%S} UTC wait in the crash journal and "
        "are stored as it catches up (alarms are handled as they arrive)",
        lag.reason.empty() ? "" : " (" + lag.reason + ")",
        lag.write_error.empty() ? "" : "; last write error: " + lag.write_error,
        std::chrono::floor<std::chrono::seconds>(held_since_));
  } else if (!lag.write_error.empty()) {
    kind = "failing";
    reason = fmt::format("history cannot store readings ({}); they wait until it can",
                         lag.write_error);
  }
  kind += lag.write_error;
  if (kind == reported_kind_) return;
  reported_kind_ = kind;
  if (kind.empty()) {
    readiness_.clear("history");
  } else {
    readiness_.report("history", std::move(reason));
  }
}

}  // namespace campus::app
