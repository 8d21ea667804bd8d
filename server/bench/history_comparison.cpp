#include "bench/history_comparison.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "bench/influx_plain_client.hpp"
#include "core/metrics.hpp"
#include "history/influx/influx_history_store.hpp"
#include "history/influx/line_protocol.hpp"

namespace campus::bench {

using steady = std::chrono::steady_clock;

namespace {

double seconds_between(steady::time_point a, steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Walks the deck's messages round and round; each pass moves the timestamps on by the deck's
// span, so every point is new to InfluxDB.
class deck_cursor {
 public:
  explicit deck_cursor(const reading_deck& deck) : deck_(deck) {}
  const std::vector<core::reading>& next() {
    if (at_ == deck_.messages().size()) {
      at_ = 0;
      shift_ += deck_.span();
    }
    return deck_.messages()[at_++];
  }
  core::duration shift() const { return shift_; }

 private:
  const reading_deck& deck_;
  std::size_t at_ = 0;
  core::duration shift_{0};
};

// Encoded bodies from the encoding thread to the posting one, at most `limit` waiting.
class body_queue {
 public:
  struct body {
    std::string lines;
    std::uint32_t points = 0;
  };
  explicit body_queue(std::size_t limit) : limit_(limit) {}
  // Blocks while full; false once closed.
  bool push(body b) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return closed_ || ready_.size() < limit_; });
    if (closed_) return false;
    ready_.push_back(std::move(b));
    filled_.notify_one();
    return true;
  }
  body pop() {
    std::unique_lock lock(mutex_);
    filled_.wait(lock, [&] { return !ready_.empty(); });
    body b = std::move(ready_.front());
    ready_.pop_front();
    room_.notify_one();
    return b;
  }
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    room_.notify_all();
  }

 private:
  std::size_t limit_;
  std::mutex mutex_;
  std::condition_variable room_, filled_;
  std::deque<body> ready_;
  bool closed_ = false;
};

int port_of(const std::string& url) {
  const auto colon = url.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(url.c_str() + colon + 1);
}

}  // namespace

history_comparison::history_comparison(const reading_deck& deck, std::string influx_url,
                                       std::filesystem::path dir)
    : deck_(deck), url_(std::move(influx_url)), port_(port_of(url_)), dir_(std::move(dir)) {}

std::expected<history_comparison::half, std::string> history_comparison::plain(
    const std::string& database, std::chrono::milliseconds duration) {
  if (deck_.messages().empty()) return std::unexpected("the reading deck is empty");
  auto client = influx_plain_client::connect(port_);
  if (!client) return std::unexpected(client.error());
  if (auto made = (*client)->create_database(database); !made) return std::unexpected(made.error());

  body_queue queue(2);
  std::thread encoder([&] {
    // Exactly batch_points per body, a message split across two if need be: the writer's
    // batches hold the same points in the same order.
    deck_cursor cursor(deck_);
    const std::vector<core::reading>* message = &cursor.next();
    std::size_t at = 0;
    for (;;) {
      body_queue::body b;
      b.lines.reserve(1 << 20);
      while (b.points < batch_points) {
        if (at == message->size()) {
          message = &cursor.next();
          at = 0;
        }
        auto p = history::reading_point((*message)[at++]);
        if (p.time) *p.time += cursor.shift();
        if (history::encode_line(p, history::precision::ms, b.lines)) ++b.points;
      }
      if (!queue.push(std::move(b))) return;
    }
  });

  half h;
  std::string failure;
  body_queue::body b = queue.pop();  // the first body is ready before the clock starts
  const auto t0 = steady::now();
  auto last = t0;
  while (last - t0 < duration) {
    h.offered += b.points;
    auto status = (*client)->write(database, b.lines);
    last = steady::now();
    if (!status) {
      failure = status.error();
      break;
    }
    ++h.batches;
    (*status == 204 ? h.points : h.failed) += b.points;
    b = queue.pop();
  }
  queue.close();
  encoder.join();
  if (!failure.empty()) return std::unexpected(failure);
  h.seconds = seconds_between(t0, last);
  h.points_per_s = h.seconds > 0 ? static_cast<double>(h.points) / h.seconds : 0;
  return h;
}

std::expected<history_comparison::half, std::string> history_comparison::writer(
    const std::string& database, std::chrono::milliseconds duration) {
  if (deck_.messages().empty()) return std::unexpected("the reading deck is empty");
  {
    // Made beforehand, as for the plain client (the store would make it on its first 404).
    auto client = influx_plain_client::connect(port_);
    if (!client) return std::unexpected(client.error());
    if (auto made = (*client)->create_database(database); !made) return std::unexpected(made.error());
  }
  // The influxdb backend as open_history() opens it, with the district's defaults but for
  // the URL and database.
  config::influx_settings s;
  s.url = url_;
  s.database = database;
  s.batch_size = batch_points;
  // No partial batch sealed by the flush timer during the run: every POST carries a full
  // batch, the same 5000 points as the plain client's (a full batch seals every few tens of
  // milliseconds here, long before the default 1 s interval), and the feed's last batch goes
  // out at once instead of after the interval.
  s.flush_interval = std::chrono::duration_cast<core::duration>(duration) + std::chrono::minutes{1};
  const auto spool = dir_ / ("spool-" + database);
  std::filesystem::create_directories(spool);
  core::metrics m;
  half h;
  try {
    history::influx_history_store store(s, spool.string(), m);
    auto& written = m.get("campus_history_points_written_total");
    auto& rejected = m.get("campus_history_points_rejected_total");
    auto& queued = m.get("campus_history_queue_depth");
    auto& spooled = m.get("campus_history_spooled_bytes");
    auto& errors = m.get("campus_history_write_errors_total");
    auto note_spool = [&] {
      h.spooled_bytes = std::max(h.spooled_bytes, static_cast<std::uint64_t>(spooled.value()));
    };

    // The store's first flush tick runs on its thread just after it starts; a tick that found
    // points would seal a short batch and shift every later batch boundary.
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    deck_cursor cursor(deck_);
    std::vector<core::reading> shifted;
    const auto t0 = steady::now();
    const auto end = t0 + duration;
    std::uint64_t appended = 0;
    // Stops on a batch boundary (the last message cut short if need be), so the last batch
    // goes out full at once instead of waiting for the store's flush interval.
    bool ending = false;
    for (int n = 0; !ending || appended % batch_points != 0; ++n) {
      if ((n & 63) == 0 && !ending) {
        ending = steady::now() >= end;
        note_spool();
      }
      while (queued.value() >= writer_backlog)
        std::this_thread::sleep_for(std::chrono::microseconds{200});
      const auto& readings = cursor.next();
      shifted.assign(readings.begin(), readings.end());
      if (ending) shifted.resize(std::min(shifted.size(), batch_points - appended % batch_points));
      for (auto& r : shifted) r.ts += cursor.shift();
      store.append(shifted);
      appended += shifted.size();
    }
    // Until everything appended is written (or refused), or nothing moves for 30 s.
    auto done = [&] {
      return static_cast<std::uint64_t>(written.value() + rejected.value()) >= appended;
    };
    auto moved = steady::now();
    auto seen = written.value();
    while (!done() && steady::now() - moved < std::chrono::seconds{30}) {
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
      note_spool();
      if (written.value() != seen) {
        seen = written.value();
        moved = steady::now();
      }
    }
    const auto t1 = steady::now();
    h.offered = appended;
    h.points = static_cast<std::uint64_t>(written.value());
    h.rejected = static_cast<std::uint64_t>(rejected.value());
    h.write_errors = static_cast<std::uint64_t>(errors.value());
    h.seconds = seconds_between(t0, t1);
    h.points_per_s = h.seconds > 0 ? static_cast<double>(h.points) / h.seconds : 0;
    store.close();
  } catch (const std::exception& e) {
    return std::unexpected(std::string("history writer: ") + e.what());
  }
  return h;
}

}  // namespace campus::bench
