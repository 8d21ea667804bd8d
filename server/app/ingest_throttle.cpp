#include "app/ingest_throttle.hpp"

#include <fmt/format.h>

#include "core/log.hpp"

namespace campus::app {

namespace {

using namespace std::chrono_literals;

constexpr auto look_while_paused = 100ms;  // how late a resume can be
constexpr auto look_otherwise = 1s;        // how late a write error shows in /readyz

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
      high_water_(high_water) {
  metrics.describe("campus_ingest_paused", "gauge",
                   "1 while reading from the broker is paused because history is behind");
  metrics.describe("campus_ingest_pauses_total", "counter",
                   "Times reading from the broker was paused because history fell behind");
  paused_gauge_.set(0);
}

void ingest_throttle::start() { schedule(); }

void ingest_throttle::stop() {
  stopped_ = true;
  timer_.cancel();
}

void ingest_throttle::pause() {
  if (paused_.exchange(true)) return;
  broker_.pause_reading();
  paused_at_ = std::chrono::steady_clock::now();
  const auto lag = store_.lag();
  waiting_at_pause_ = lag.waiting;
  paused_gauge_.set(1);
  pauses_.inc();
  core::log(core::log_level::warn,
            "ingest paused: history is {} readings behind (high-water mark {}{}{}); the broker "
            "keeps the backlog",
            lag.waiting, high_water_, lag.reason.empty() ? "" : "; ", lag.reason);
  report(lag);
  // Look sooner than the one-second timer would.
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
  timer_.expires_after(paused_.load() ? look_while_paused : look_otherwise);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    look();
    schedule();
  });
}

void ingest_throttle::look() {
  const auto lag = store_.lag();
  if (paused_.load() && !lag.behind) resume(lag);
  // A store behind while no message arrives (the spool filling from the memory batches).
  if (!paused_.load() && lag.behind) return pause();
  report(lag);
}

void ingest_throttle::report(const history::store_lag& lag) {
  std::string kind;
  std::string reason;
  if (paused_.load()) {
    kind = "behind";
    reason = fmt::format("history is {} readings behind{}{}; ingest paused until it catches up",
                         waiting_at_pause_, lag.reason.empty() ? "" : " (" + lag.reason + ")",
                         lag.write_error.empty() ? "" : "; last write error: " + lag.write_error);
    kind += lag.write_error;
  } else if (!lag.write_error.empty()) {
    kind = "failing" + lag.write_error;
    reason = fmt::format("history cannot store readings ({}); they wait until it can",
                         lag.write_error);
  }
  if (kind == reported_kind_) return;
  reported_kind_ = kind;
  if (kind.empty()) {
    readiness_.clear("history");
  } else {
    readiness_.report("history", std::move(reason));
  }
}

}  // namespace campus::app
