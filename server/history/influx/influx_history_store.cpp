#include "history/influx/influx_history_store.hpp"

#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <future>
#include <stdexcept>

#include "history/influx/gzip.hpp"
#include "history/influx/influxql.hpp"
#include "history/influx/line_protocol.hpp"

namespace campus::history {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using core::log;
using core::log_level;

namespace {

constexpr std::chrono::milliseconds first_backoff{500};
// Low: the replay should start within seconds of the database answering again, and one
// failed POST every few seconds costs it nothing.
constexpr std::chrono::milliseconds max_backoff{4'000};
// The spool counts as behind past this share of spool_max_bytes, until below the second.
constexpr double spool_high_share = 0.9;
constexpr double spool_low_share = 0.8;
// Direct mode holds at most this many batches behind the one in flight; beyond, they go to the
// spool when it completes, so a slow but answering database cannot grow memory without end.
constexpr std::size_t max_ready_batches = 16;

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::pair<std::string, std::string> split_url(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme))
    throw std::runtime_error(fmt::format(
        "history.influxdb.url: \"{}\" must start with http:// (https is not supported)", url));
  std::string rest = url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find('/') != std::string::npos)
    throw std::runtime_error(
        fmt::format("history.influxdb.url: \"{}\" must be http://host[:port], no path", url));
  if (rest.front() == '[') {  // [v6 address]:port
    auto close = rest.find(']');
    if (close == std::string::npos) throw std::runtime_error("history.influxdb.url: bad IPv6 host");
    std::string host = rest.substr(1, close - 1);
    std::string port = close + 2 <= rest.size() ? rest.substr(close + 2) : "8086";
    return {host, port.empty() ? "8086" : port};
  }
  auto colon = rest.rfind(':');
  if (colon == std::string::npos) return {rest, "8086"};
  return {rest.substr(0, colon), rest.substr(colon + 1)};
}

disk_spool open_spool(const std::string& dir, std::uint64_t max_bytes) {
  disk_spool::options o;
  o.max_bytes = max_bytes;
  auto s = disk_spool::open(dir, o);
  if (!s) throw std::runtime_error("history spool: " + s.error());
  return std::move(*s);
}

// InfluxDB's error text from a JSON error body ({"error":"..."}), or the body itself.
std::string error_text(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (!ec && v.is_object())
    if (auto* e = v.get_object().if_contains("error"); e && e->is_string())
      return std::string(e->get_string());
  return body;
}

// Points of a 4xx answer that InfluxDB did not store: `dropped=N` (type conflicts, bad keys)
// plus one per "unable to parse" line. When the message says neither, the whole batch counts.
std::uint32_t rejected_points(const std::string& text, std::uint32_t batch_points) {
  std::uint64_t n = 0;
  for (std::size_t at = text.find("dropped="); at != std::string::npos;
       at = text.find("dropped=", at + 1)) {
    std::uint64_t v = 0;
    for (std::size_t i = at + 8;
         i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i)
      v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
    n += v;
  }
  for (std::size_t at = text.find("unable to parse"); at != std::string::npos;
       at = text.find("unable to parse", at + 1))
    ++n;
  if (n == 0 || n > batch_points) return batch_points;
  return static_cast<std::uint32_t>(n);
}

}  // namespace

influx_history_store::influx_history_store(const config::influx_settings& s, std::string spool_dir,
                                           core::metrics& m, backpressure marks)
    : settings_(s),
      queue_depth_(m.get("campus_history_queue_depth")),
      spooled_bytes_(m.get("campus_history_spooled_bytes")),
      oldest_unsent_(m.get("campus_history_oldest_unsent_seconds")),
      written_(m.get("campus_history_points_written_total")),
      rejected_(m.get("campus_history_points_rejected_total")),
      write_errors_(m.get("campus_history_write_errors_total")),
      spool_dropped_(m.get("campus_history_spool_dropped_bytes_total")),
      work_(asio::make_work_guard(ioc_)),
      tick_(ioc_),
      backoff_(ioc_),
      marks_(marks),
      spool_(open_spool(spool_dir, s.spool_max_bytes)),
      backoff_delay_(first_backoff),
      rng_(std::random_device{}()) {
  std::tie(host_, port_) = split_url(s.url);
  if (settings_.batch_size == 0) settings_.batch_size = 1;
  if (settings_.flush_interval <= core::duration::zero())
    settings_.flush_interval = core::duration{1000};
  m.describe("campus_history_queue_depth", "gauge",
             "Readings in memory, not yet written or spooled.");
  m.describe("campus_history_spooled_bytes", "gauge",
             "Bytes waiting in the history spool on disk.");
  m.describe("campus_history_oldest_unsent_seconds", "gauge",
             "Age of the oldest reading not yet written to the history database.");
  m.describe("campus_history_points_written_total", "counter", "Readings written to history.");
  m.describe("campus_history_points_rejected_total", "counter",
             "Readings refused (by the encoder or by the database) and not stored.");
  m.describe("campus_history_write_errors_total", "counter",
             "Failed write requests (transport, timeout, 5xx); their batches were spooled.");
  m.describe("campus_history_spool_dropped_bytes_total", "counter",
             "Spooled bytes deleted because the spool was full: readings lost.");
  update_gauges();
  // The spool is replayed before anything new: the first pump sends its oldest batch.
  asio::post(ioc_, [this] {
    pump();
    on_tick();
  });
  thread_ = std::thread([this] { ioc_.run(); });
}

influx_history_store::~influx_history_store() { close(); }

void influx_history_store::append(std::span<const core::reading> readings) {
  // Encode outside the lock; remember where each line ends so batches split at batch_size.
  std::string lines;
  std::vector<std::size_t> ends;
  ends.reserve(readings.size());
  for (const auto& r : readings) {
    if (auto ok = encode_line(reading_point(r), precision::ms, lines); !ok) {
      rejected_.inc();
      long suppressed = 0;
      if (reject_log_.allow(suppressed))
        log(log_level::warn, "history: reading of {}/{} not stored: {} ({} similar suppressed)",
            r.device, r.metric, ok.error(), suppressed);
      continue;
    }
    ends.push_back(lines.size());
  }
  if (ends.empty()) return;

  bool sealed_one = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_) {
      rejected_.inc(ends.size());
      log(log_level::error, "history: {} readings appended after close() are lost", ends.size());
      return;
    }
    std::size_t from = 0;
    for (std::size_t i = 0; i < ends.size(); ++i) {
      if (current_.points == 0) current_.created_ms = wall_ms();
      ++current_.points;
      if (current_.points >= settings_.batch_size || i + 1 == ends.size()) {
        current_.lines.append(lines, from, ends[i] - from);
        from = ends[i];
      }
      if (current_.points >= settings_.batch_size) {
        sealed_.push_back(std::move(current_));
        current_ = batch{};
        sealed_one = true;
      }
    }
    memory_points_ += static_cast<std::int64_t>(ends.size());
    appended_points_ += ends.size();
    if (memory_points_.load() > static_cast<std::int64_t>(marks_.high_water))
      memory_behind_.store(true, std::memory_order_relaxed);
  }
  queue_depth_.set(memory_points_.load());
  if (sealed_one)
    asio::post(ioc_, [this] {
      take_sealed();
      pump();
    });
}

void influx_history_store::on_tick() {
  {
    std::lock_guard lock(mutex_);
    if (current_.points > 0) {
      sealed_.push_back(std::move(current_));
      current_ = batch{};
    }
  }
  take_sealed();
  pump();
  update_gauges();
  if (closing_) return;
  tick_.expires_after(settings_.flush_interval);
  tick_.async_wait([this](boost::system::error_code ec) {
    if (!ec) on_tick();
  });
}

void influx_history_store::take_sealed() {
  std::deque<batch> taken;
  {
    std::lock_guard lock(mutex_);
    taken.swap(sealed_);
  }
  for (auto& b : taken) {
    // Once something is spooled, newer batches queue behind it on disk to keep the order.
    if (!spool_.empty()) {
      memory_points_ -= b.points;
      to_spool(std::move(b));
    } else
      ready_.push_back(std::move(b));
  }
}

void influx_history_store::pump() {
  if (finished_ || in_flight_ || waiting_backoff_) return;
  if (!spool_.empty()) {
    if (closing_) {
      spool_ready();  // (empty in spool mode; kept for clarity of the invariant)
      return finish_close();
    }
    auto front = spool_.front();
    if (!*front) {
      log(log_level::error, "history spool: {}; skipping that batch", front->error());
      spool_.pop();
      return pump();
    }
    auto& r = **front;
    return send(batch{std::move(r.lines), r.points, r.created_ms}, true);
  }
  if (!ready_.empty()) {
    batch b = std::move(ready_.front());
    ready_.pop_front();
    return send(std::move(b), false);
  }
  if (closing_) finish_close();
}

std::string influx_history_store::auth_params() const {
  if (settings_.username.empty()) return {};
  return "&u=" + percent_encode(settings_.username) + "&p=" + percent_encode(settings_.password);
}

http_exchange::request influx_history_store::make_request(http::verb verb, std::string target,
                                                          std::string content_type,
                                                          std::string body) const {
  http_exchange::request req{verb, target, 11};
  req.set(http::field::user_agent, "campus-shield");
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  req.body() = std::move(body);
  return req;
}

void influx_history_store::send(batch b, bool from_spool) {
  std::string body = b.lines;
  bool gzipped = false;
  if (settings_.gzip) {
    if (auto z = gzip_compress(body)) {
      body = std::move(*z);
      gzipped = true;
    } else {
      log(log_level::warn, "history: gzip failed ({}); sending uncompressed", z.error());
    }
  }
  auto req = make_request(
      http::verb::post,
      "/write?db=" + percent_encode(settings_.database) + "&precision=ms" + auth_params(),
      "text/plain; charset=utf-8", std::move(body));
  if (gzipped) req.set(http::field::content_encoding, "gzip");
  in_flight_ = std::move(b);
  in_flight_from_spool_ = from_spool;
  // `this` outlives the exchange: close() lets the io_context run until no exchange is left.
  http_exchange::start(ioc_, host_, port_, std::move(req), settings_.timeout,
                       [this](http_result r) { on_write_reply(std::move(r)); });
}

influx_history_store::outcome influx_history_store::classify(const http_result& r) {
  auto failed = [this](std::string what) {
    std::lock_guard lock(error_mutex_);
    write_error_ = fmt::format("InfluxDB at {} {}", settings_.url, what);
  };
  if (!r) {
    log(log_level::warn, "history: InfluxDB write failed: {}", r.error());
    failed("cannot be written: " + r.error());
    return outcome::retry_later;
  }
  const unsigned status = r->status;
  if (status / 100 == 2) {
    std::lock_guard lock(error_mutex_);
    write_error_.clear();
    return outcome::written;
  }
  const std::string text = error_text(r->body);
  if (status == 404 && text.find("database not found") != std::string::npos &&
      !database_create_tried_)
    return outcome::create_database;
  if (status / 100 == 4 && status != 401 && status != 403 && status != 404 && status != 429) {
    const std::uint32_t lost = rejected_points(text, in_flight_->points);
    log(log_level::error, "history: InfluxDB refused {} of {} points (HTTP {}): {}", lost,
        in_flight_->points, status, text.substr(0, 2000));
    rejected_.inc(lost);
    written_.inc(in_flight_->points - lost);
    return outcome::rejected;
  }
  log(log_level::warn, "history: InfluxDB write answered HTTP {}: {}", status, text.substr(0, 500));
  failed(fmt::format("answered HTTP {}: {}", status, text.substr(0, 200)));
  return outcome::retry_later;
}

void influx_history_store::on_write_reply(http_result r) {
  const outcome o = classify(r);
  if (o == outcome::create_database) return create_database();

  batch b = std::move(*in_flight_);
  in_flight_.reset();
  const bool from_spool = in_flight_from_spool_;
  if (o == outcome::written || o == outcome::rejected) {
    if (o == outcome::written) written_.inc(b.points);
    backoff_delay_ = first_backoff;
    if (from_spool) {
      spool_.pop();
    } else {
      memory_points_ -= b.points;
      settled(b.points);
    }
    if (ready_.size() > max_ready_batches) {
      log(log_level::warn, "history: InfluxDB is slower than the readings; spooling {} batches",
          ready_.size());
      spool_ready();
    }
    update_gauges();
    return pump();
  }

  write_errors_.inc();
  if (!from_spool) {  // it is older than everything queued: it goes to the spool first
    memory_points_ -= b.points;
    to_spool(std::move(b));
    spool_ready();
  }
  update_gauges();
  if (closing_) return pump();  // no more attempts: spool what is left and stop
  wait_backoff();
}

void influx_history_store::wait_backoff() {
  waiting_backoff_ = true;
  // Half fixed, half random: servers whose database came back together do not replay in step.
  std::uniform_int_distribution<long> jitter(0, backoff_delay_.count() / 2);
  const auto delay = backoff_delay_ / 2 + std::chrono::milliseconds{jitter(rng_)};
  log(backoff_delay_ == first_backoff ? log_level::info : log_level::debug,
      "history: {} batches spooled; next attempt in {} ms", spool_.records(), delay.count());
  backoff_.expires_after(delay);
  backoff_delay_ = std::min(backoff_delay_ * 2, max_backoff);
  backoff_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;  // cancelled by close(), which pumps itself
    waiting_backoff_ = false;
    pump();
  });
}

void influx_history_store::create_database() {
  database_create_tried_ = true;
  log(log_level::info, "history: creating InfluxDB database {}", settings_.database);
  auto req = make_request(
      http::verb::post, "/query?" + auth_params().substr(auth_params().empty() ? 0 : 1),
      "application/x-www-form-urlencoded",
      "q=" + percent_encode("CREATE DATABASE " + influxql_identifier(settings_.database)));
  http_exchange::start(ioc_, host_, port_, std::move(req), settings_.timeout,
                       [this](http_result r) {
                         if (!r || r->status != 200)
                           log(log_level::error, "history: CREATE DATABASE {} failed: {}",
                               settings_.database, r ? error_text(r->body) : r.error());
                         // Send the same batch again; a second "database not found" is then a plain
                         // failure.
                         batch b = std::move(*in_flight_);
                         in_flight_.reset();
                         send(std::move(b), in_flight_from_spool_);
                       });
}

void influx_history_store::to_spool(batch b) {
  const auto size = b.lines.size();
  if (auto ok = spool_.push(disk_spool::record{b.created_ms, b.points, std::move(b.lines)}); !ok) {
    log(log_level::error, "history: cannot spool a batch of {} readings, they are LOST: {}",
        b.points, ok.error());
    spool_dropped_.inc(size);
  }
  spool_dropped_.inc(spool_.dropped_bytes() - spool_dropped_seen_);
  spool_dropped_seen_ = spool_.dropped_bytes();
  // Before the waiters are answered: whoever when_durable answers sees the spool's size.
  spooled_bytes_.set(static_cast<std::int64_t>(spool_.bytes()));
  settled(b.points);  // spooled (or, the disk refusing it, lost and logged): out of memory
}

// Batches leave memory in the order they were appended (one in flight; a failure spools it and
// everything behind it; while the spool holds anything new batches join it), so a count of
// settled points says which when_durable calls are covered.
void influx_history_store::settled(std::uint32_t points) {
  settled_points_ += points;
  while (!durable_waiters_.empty() && durable_waiters_.front().first <= settled_points_) {
    auto done = std::move(durable_waiters_.front().second);
    durable_waiters_.pop_front();
    done();
  }
}

void influx_history_store::when_durable(std::function<void()> done) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      // As query(): posted under the mutex, so close() cannot stop the io_context before it.
      asio::post(ioc_, [this, target = appended_points_, done = std::move(done)]() mutable {
        if (settled_points_ >= target) return done();
        durable_waiters_.emplace_back(target, std::move(done));
      });
      return;
    }
  }
  // Closed: close() writes or spools everything before it returns.
  done();
}

void influx_history_store::spool_ready() {
  for (auto& b : ready_) {
    memory_points_ -= b.points;
    to_spool(std::move(b));
  }
  ready_.clear();
}

void influx_history_store::update_gauges() {
  std::optional<std::int64_t> oldest = spool_.oldest_created_ms();
  auto consider = [&](const batch& b) {
    if (b.points > 0 && (!oldest || b.created_ms < *oldest)) oldest = b.created_ms;
  };
  if (in_flight_) consider(*in_flight_);
  for (const auto& b : ready_) consider(b);
  {
    std::lock_guard lock(mutex_);
    for (const auto& b : sealed_) consider(b);
    consider(current_);
  }
  oldest_unsent_.set(oldest ? std::max<std::int64_t>(0, (wall_ms() - *oldest) / 1000) : 0);
  spooled_bytes_.set(static_cast<std::int64_t>(spool_.bytes()));
  queue_depth_.set(memory_points_.load());
  // Behind: see the constructor's comment. Cleared here, on the store's thread, after every
  // write and every tick.
  if (memory_points_.load() <= static_cast<std::int64_t>(marks_.low_water))
    memory_behind_.store(false, std::memory_order_relaxed);
  const auto bytes = spool_.bytes();
  const auto limit = static_cast<double>(settings_.spool_max_bytes);
  if (static_cast<double>(bytes) > spool_high_share * limit)
    spool_behind_.store(true, std::memory_order_relaxed);
  else if (static_cast<double>(bytes) < spool_low_share * limit)
    spool_behind_.store(false, std::memory_order_relaxed);
  spooled_points_.store(spool_.points(), std::memory_order_relaxed);
  spooled_bytes_now_.store(bytes, std::memory_order_relaxed);
}

store_lag influx_history_store::lag() const {
  store_lag l;
  l.waiting = static_cast<std::uint64_t>(std::max<std::int64_t>(0, memory_points_.load())) +
              spooled_points_.load(std::memory_order_relaxed);
  l.behind = behind();
  if (spool_behind_.load(std::memory_order_relaxed)) {
    l.reason = fmt::format("the InfluxDB spool holds {} MB of its {} MB",
                           spooled_bytes_now_.load(std::memory_order_relaxed) >> 20,
                           settings_.spool_max_bytes >> 20);
  }
  std::lock_guard lock(error_mutex_);
  l.write_error = write_error_;
  return l;
}

void influx_history_store::start_query(const std::string& statement,
                                       std::function<void(http_result)> answer) {
  auto req = make_request(http::verb::get,
                          "/query?db=" + percent_encode(settings_.database) + "&epoch=ms" +
                              auth_params() + "&q=" + percent_encode(statement),
                          {}, {});
  http_exchange::start(ioc_, host_, port_, std::move(req), settings_.timeout, std::move(answer));
}

void influx_history_store::query(series_query q, query_handler done) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      // Posted before close() can post its own work, so the io_context runs it.
      asio::post(ioc_, [this, q = std::move(q), done = std::move(done)]() mutable {
        if (q.step <= core::duration::zero()) return done(std::unexpected("step must be positive"));
        if (q.to <= q.from) return done(series{q.device, q.metric, q.subject, {}, {}});
        start_query(series_statement(q), [q, done = std::move(done)](http_result r) {
          if (!r) return done(std::unexpected("InfluxDB query failed: " + r.error()));
          if (r->status != 200 && r->body.empty())
            return done(std::unexpected(fmt::format("InfluxDB query: HTTP {}", r->status)));
          done(parse_series_answer(r->body, q));
        });
      });
      return;
    }
  }
  done(std::unexpected("history store is closed"));
}

void influx_history_store::activity(activity_query q, activity_handler done) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      // As query(): posted under the mutex, so close() cannot stop the io_context before it.
      asio::post(ioc_, [this, q = std::move(q), done = std::move(done)]() mutable {
        if (q.step <= core::duration::zero()) return done(std::unexpected("step must be positive"));
        if (q.to <= q.from) return done(std::vector<device_activity>{});
        start_query(activity_statement(q), [done = std::move(done)](http_result r) {
          if (!r) return done(std::unexpected("InfluxDB query failed: " + r.error()));
          if (r->status != 200 && r->body.empty())
            return done(std::unexpected(fmt::format("InfluxDB query: HTTP {}", r->status)));
          done(parse_activity_answer(r->body));
        });
      });
      return;
    }
  }
  done(std::unexpected("history store is closed"));
}

void influx_history_store::close() {
  std::lock_guard close_lock(close_mutex_);
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    if (current_.points > 0) {
      sealed_.push_back(std::move(current_));
      current_ = batch{};
    }
  }
  asio::post(ioc_, [this] { begin_close(); });
  thread_.join();
  log(log_level::info, "history: closed; {} batches ({} readings) wait in the spool",
      spool_.records(), spool_.points());
}

void influx_history_store::begin_close() {
  closing_ = true;
  tick_.cancel();
  take_sealed();
  if (waiting_backoff_) {  // the database is away: no more attempts, everything to the spool
    backoff_.cancel();
    waiting_backoff_ = false;
  }
  pump();  // sends what is in memory while the database answers, then finish_close()
}

void influx_history_store::finish_close() {
  if (finished_) return;
  finished_ = true;
  spool_ready();
  settled(0);  // (every batch is written or spooled by now)
  update_gauges();
  tick_.cancel();
  backoff_.cancel();
  // run() returns once the exchanges still running (queries) have called back.
  work_.reset();
}

}  // namespace campus::history
