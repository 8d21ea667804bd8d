#include "bench/bench_run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "bench/alert_probe.hpp"
#include "bench/bureau_phase.hpp"
#include "bench/counting_subscriber.hpp"
#include "bench/history_comparison.hpp"
#include "bench/load_publisher.hpp"
#include "bench/peer_watch.hpp"
#include "bench/process_sample.hpp"
#include "bench/server_link.hpp"
#include "bench/ws_fleet.hpp"

namespace campus::bench {

using steady = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

// The probes' own connection: campus-sim's publisher, which tracks every message to completion.
auto probe_connection(int port, const char* name) {
  sim::mqtt_publisher::settings s;
  s.port = port;
  s.client_id = fmt::format(fmt::runtime(name), ::getpid());
  return sim::mqtt_publisher::connect(s);
}

void say(const std::string& what) { std::cerr << "campus-bench: " << what << std::endl; }

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown";
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// Waits until `pid` uses under 5 % of a CPU over half a second (at most `limit`).
void wait_idle(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = steady::now() + limit;
  auto before = cpu_seconds(pid);
  while (before && steady::now() < deadline) {
    std::this_thread::sleep_for(milliseconds{500});
    const auto after = cpu_seconds(pid);
    if (!after || *after - *before < 0.025) return;
    before = after;
  }
}

}  // namespace

bench_run::bench_run(bench_options options, std::filesystem::path dir)
    : o_(std::move(options)), dir_(std::move(dir)), stack_(dir_, o_.server_binary) {}

void bench_run::fail(const std::string& phase, const std::string& why) {
  say(phase + ": " + why);
  report_.add({phase, "phase failed", 0, "", "", std::nullopt, false, why});
  ok_ = false;
}

double bench_run::ceiling_of(int qos) const {
  const auto* r = report_.find("ceiling", fmt::format("bare subscriber, QoS {}", qos));
  return r ? r->value : 0;
}

double bench_run::wait_processed(double expected) {
  double last = -1;
  auto progress = steady::now();
  for (;;) {
    const double now = metric_sum(read_metrics(server_->port), "campus_mqtt_messages_total");
    if (now >= expected) return now;
    if (now > last) {
      last = now;
      progress = steady::now();
    } else if (seconds_since(progress) > 10) {
      return now;
    }
    std::this_thread::sleep_for(milliseconds{100});
  }
}

bool bench_run::run() {
  report_.set_fact("machine", fmt::format("{} CPUs, {}", ::sysconf(_SC_NPROCESSORS_ONLN), cpu_model()));
  report_.set_fact("load average at start", load_average());
  report_.set_fact("size", fmt::format("{} devices (+{} probes), {} s per phase, QoS {}, {} MQTT "
                                       "connections, rate {}, history {}",
                                       o_.devices, o_.probes, o_.duration_s, o_.qos,
                                       o_.connections, o_.rate > 0 ? fmt::format("{}/s", o_.rate) : "flat out",
                                       o_.history));
  auto broker = stack_.start_broker();
  if (!broker) {
    fail("setup", broker.error());
    return false;
  }
  if (o_.history == "influxdb") {
    auto url = stack_.start_influxd();
    if (!url) {
      fail("setup", url.error());
      return false;
    }
    influx_url_ = *url;
  }
  const auto prep = steady::now();
  auto district = write_district(o_.sample_config, dir_, o_.devices, o_.probes, o_.history, influx_url_);
  if (!district) {
    fail("setup", district.error());
    return false;
  }
  district_.emplace(std::move(*district));
  deck_.emplace(payload_deck::make(*district_, 2, o_.connections, 1));
  say(fmt::format("district of {} devices and a deck of {} messages ready in {:.1f} s",
                  district_->background.size(), deck_->size(), seconds_since(prep)));

  if (o_.wants("ceiling")) ceiling();
  if (o_.wants("throughput") || o_.wants("latency") || o_.wants("fanout")) {
    auto s = stack_.start_server(district_->file, dir_ / "server");
    if (!s) {
      fail("setup", s.error());
    } else {
      server_.emplace(std::move(*s));
      if (o_.wants("throughput")) throughput();
      if (o_.wants("latency")) latency();
      if (o_.wants("fanout")) fanout();
      server_->process->stop(std::chrono::seconds{60});
      server_.reset();
    }
  }
  if (o_.wants("bureau")) bureau();
  if (o_.wants("rss")) rss();
  if (o_.wants("history")) history();
  if (o_.wants("peer")) peer();
  report_.set_fact("load average at end", load_average());
  return ok_;
}

bool bench_run::ceiling() {
  for (int qos : {0, 1}) {
    say(fmt::format("ceiling: a bare subscriber at QoS {}, flat out for {} s", qos, o_.duration_s));
    auto sub = counting_subscriber::connect("127.0.0.1", stack_.broker_port(), qos);
    if (!sub) {
      fail("ceiling", sub.error());
      return false;
    }
    auto pub = load_publisher::connect({"127.0.0.1", stack_.broker_port(), qos, 0, 2000}, *deck_);
    if (!pub) {
      fail("ceiling", pub.error());
      return false;
    }
    (*pub)->start();
    std::this_thread::sleep_for(milliseconds{500});  // connections warm, queues in their steady state
    const auto r0 = (*sub)->received();
    const auto p0 = (*pub)->published();
    const auto t0 = steady::now();
    std::this_thread::sleep_for(milliseconds(static_cast<long>(o_.duration_s * 1000)));
    const auto r1 = (*sub)->received();
    const auto p1 = (*pub)->published();
    const double span = seconds_since(t0);
    (*pub)->stop();
    (*pub)->drain(milliseconds{30000});
    const double rate = static_cast<double>(r1 - r0) / span;
    const double sent = static_cast<double>(p1 - p0) / span;
    report_.add({"ceiling", fmt::format("bare subscriber, QoS {}", qos), rate, "msg/s",
                 qos == 0 ? "~100k (issue 7's 2-core reference)" : "~31k (issue 7's 2-core reference)",
                 std::nullopt, std::nullopt, ""});
    report_.add({"ceiling", fmt::format("generator send rate, QoS {}", qos), sent, "msg/s", "", 
                 rate > 0 ? std::optional<double>(sent / rate) : std::nullopt, std::nullopt,
                 "ratio: sent / received"});
  }
  return true;
}

bool bench_run::throughput() {
  say(fmt::format("throughput: the server with rules and {} history, {} for {} s", o_.history,
                  o_.rate > 0 ? fmt::format("{} msg/s", o_.rate) : "flat out", o_.duration_s));
  const pid_t pid = server_->process->pid();
  const auto m0 = read_metrics(server_->port);
  const double mqtt0 = metric_sum(m0, "campus_mqtt_messages_total");
  const double cpu0 = cpu_seconds(pid).value_or(0);
  auto pub = load_publisher::connect({"127.0.0.1", stack_.broker_port(), o_.qos, o_.rate, 2000}, *deck_);
  if (!pub) {
    fail("throughput", pub.error());
    return false;
  }
  const auto t0 = steady::now();
  (*pub)->start();
  std::this_thread::sleep_for(milliseconds(static_cast<long>(o_.duration_s * 1000)));
  const auto mw = read_metrics(server_->port);
  const double span = seconds_since(t0);
  const double published_in_window = static_cast<double>((*pub)->published());
  (*pub)->stop();
  (*pub)->drain(milliseconds{60000});
  const double published = static_cast<double>((*pub)->published());
  const double reached = wait_processed(mqtt0 + published);
  const double cpu1 = cpu_seconds(pid).value_or(0);
  const auto m1 = read_metrics(server_->port);

  const double processed_rate = (metric_sum(mw, "campus_mqtt_messages_total") - mqtt0) / span;
  const double processed = reached - mqtt0;
  const double lost = published - processed;
  const double rejected = metric_sum(m1, "campus_messages_rejected_total") -
                          metric_sum(m0, "campus_messages_rejected_total");
  const double readings = metric_sum(m1, "campus_readings_total") - metric_sum(m0, "campus_readings_total");
  const double ceiling = ceiling_of(o_.qos);
  report_.add({"throughput", "published (generator)", published_in_window / span, "msg/s", "",
               std::nullopt, std::nullopt, fmt::format("{:.0f} messages", published)});
  report_.add({"throughput", fmt::format("processed, rules + {} history", o_.history),
               processed_rate, "msg/s", "≥ 80 % of ceiling",
               ceiling > 0 ? std::optional<double>(processed_rate / ceiling) : std::nullopt,
               ceiling > 0 ? std::optional<bool>(processed_rate >= 0.8 * ceiling) : std::nullopt,
               ceiling > 0 ? fmt::format("ratio of the QoS {} ceiling", o_.qos) : "no ceiling measured"});
  report_.add({"throughput", "lost (published − processed)", lost, "messages", "0", std::nullopt,
               lost == 0, fmt::format("server counted {:.0f} of {:.0f}", processed, published)});
  report_.add({"throughput", "rejected", rejected, "messages", "0", std::nullopt, rejected == 0, ""});
  report_.add({"throughput", "readings accepted", readings, "readings", "", std::nullopt,
               std::nullopt, fmt::format("{:.2f} per message", processed > 0 ? readings / processed : 0)});
  const double cpu_us = processed > 0 ? (cpu1 - cpu0) / processed * 1e6 : 0;
  report_.add({"throughput", "server CPU per message", cpu_us, "µs", "≤ 3 µs", std::nullopt,
               cpu_us <= 3, fmt::format("{:.2f} CPU s for {:.0f} messages", cpu1 - cpu0, processed)});
  return lost == 0;
}

bool bench_run::latency() {
  double ceiling = ceiling_of(o_.qos);
  std::string basis = fmt::format("of the QoS {} ceiling", o_.qos);
  if (ceiling <= 0) {
    if (const auto* r = report_.find("throughput", fmt::format("processed, rules + {} history", o_.history))) {
      ceiling = r->value;
      basis = "of the server's measured throughput (no ceiling phase)";
    }
  }
  if (ceiling <= 0) {
    fail("latency", "needs the ceiling or throughput phase for its background rates");
    return false;
  }
  auto probe_pub = probe_connection(stack_.broker_port(), "campus-bench-probe-{}");
  if (!probe_pub) {
    fail("latency", probe_pub.error());
    return false;
  }
  alert_probe probe(**probe_pub, *district_, make_probe_payloads(*district_, 1), 1, o_.qos);
  ws_fleet fleet(server_->port, server_->token, 1,
                 [&](int c, std::string_view d, bool a, steady::time_point t) { probe.on_alert(c, d, a, t); });
  if (fleet.open(milliseconds{30000}) < 1) {
    fail("latency", "the dashboard client could not connect to /ws");
    return false;
  }
  for (double level : {0.2, 0.8}) {
    const double rate = level * ceiling;
    say(fmt::format("latency: probe alerts under {:.0f} msg/s of background ({:.0f} % {})", rate,
                    level * 100, basis));
    const double base = metric_sum(read_metrics(server_->port), "campus_mqtt_messages_total");
    auto pub = load_publisher::connect({"127.0.0.1", stack_.broker_port(), o_.qos, rate, 2000}, *deck_);
    if (!pub) {
      fail("latency", pub.error());
      return false;
    }
    (*pub)->start();
    std::this_thread::sleep_for(milliseconds{1000});
    probe.reset();
    const auto t0 = steady::now();
    const auto p0 = (*pub)->published();
    probe.run(milliseconds(static_cast<long>(o_.duration_s * 1000)));
    const double sent = static_cast<double>((*pub)->published() - p0) / seconds_since(t0);
    (*pub)->stop();
    (*pub)->drain(milliseconds{60000});
    auto s = probe.samples();
    const std::string phase = fmt::format("latency {:.0f} %", level * 100);
    const std::string note = fmt::format("{} samples, {} raises, background {:.0f} msg/s sent",
                                         s.size(), probe.raises(), sent);
    const double p50 = quantile(s, 0.5), p99 = quantile(s, 0.99), p999 = quantile(s, 0.999);
    report_.add({phase, "publish → alert p50", p50, "ms", "", std::nullopt, std::nullopt, note});
    report_.add({phase, "publish → alert p99", p99, "ms", level < 0.5 ? "≤ 5 ms" : "",
                 std::nullopt, level < 0.5 ? std::optional<bool>(!s.empty() && p99 <= 5) : std::nullopt, ""});
    report_.add({phase, "publish → alert p99.9", p999, "ms", "", std::nullopt, std::nullopt, ""});
    report_.add({phase, "latency samples", static_cast<double>(s.size()), "deliveries", "",
                 std::nullopt, std::nullopt, ""});
    report_.add({phase, "missed alerts", static_cast<double>(probe.missed()), "deliveries", "0",
                 std::nullopt, probe.missed() == 0, ""});
    // Let a backlog drain, so the next level starts from an idle server.
    wait_processed(base + static_cast<double>((*pub)->published()));
  }
  return true;
}

bool bench_run::fanout() {
  say(fmt::format("fan-out: {} dashboard clients, {} msg/s of background", o_.clients, o_.fanout_rate));
  auto probe_pub = probe_connection(stack_.broker_port(), "campus-bench-fanout-{}");
  if (!probe_pub) {
    fail("fanout", probe_pub.error());
    return false;
  }
  alert_probe probe(**probe_pub, *district_, make_probe_payloads(*district_, 1), o_.clients, o_.qos);
  ws_fleet fleet(server_->port, server_->token, o_.clients,
                 [&](int c, std::string_view d, bool a, steady::time_point t) { probe.on_alert(c, d, a, t); });
  const int ready = fleet.open(milliseconds{120000});
  report_.add({"fanout", "dashboard clients connected", static_cast<double>(ready), "clients",
               std::to_string(o_.clients), std::nullopt, ready == o_.clients, ""});
  if (ready < o_.clients) {
    fail("fanout", fmt::format("only {} of {} clients connected", ready, o_.clients));
    return false;
  }
  std::unique_ptr<load_publisher> pub;
  if (o_.fanout_rate > 0) {
    auto made = load_publisher::connect({"127.0.0.1", stack_.broker_port(), o_.qos, o_.fanout_rate, 2000}, *deck_);
    if (!made) {
      fail("fanout", made.error());
      return false;
    }
    pub = std::move(*made);
    pub->start();
  }
  probe.reset();
  probe.run(milliseconds(static_cast<long>(o_.duration_s * 1000)));
  if (pub) pub->stop();
  auto s = probe.samples();
  const std::string note = fmt::format("{} deliveries of {} raises", s.size(), probe.raises());
  report_.add({"fanout", "publish → alert p50, all clients", quantile(s, 0.5), "ms", "",
               std::nullopt, std::nullopt, note});
  const double p99 = quantile(s, 0.99);
  report_.add({"fanout", "publish → alert p99, all clients", p99, "ms", "≤ 50 ms", std::nullopt,
               !s.empty() && p99 <= 50, ""});
  report_.add({"fanout", "latency samples", static_cast<double>(s.size()), "deliveries", "",
               std::nullopt, std::nullopt, ""});
  report_.add({"fanout", "missed deliveries", static_cast<double>(probe.missed()), "deliveries", "0",
               std::nullopt, probe.missed() == 0, ""});
  return true;
}

bool bench_run::bureau() {
  bureau_settings s;
  s.users = o_.bureau_users;
  s.clients = o_.bureau_clients;
  s.interval_s = o_.bureau_interval_s;
  s.rate = o_.bureau_rate;
  s.refresh_s = o_.bureau_refresh_s;
  s.window_s = o_.duration_s;
  s.qos = o_.qos;
  bureau_phase phase(stack_, *district_, *deck_, o_.server_binary, dir_, s, report_);
  if (auto ok = phase.run(); !ok) {
    fail("bureau", ok.error());
    return false;
  }
  return true;
}

bool bench_run::rss() {
  for (int n : o_.rss_devices) {
    say(fmt::format("memory: a server with {} devices, every one heard", n));
    const auto dir = dir_ / fmt::format("rss-{}", n);
    std::filesystem::create_directories(dir);
    auto d = write_district(o_.sample_config, dir, n, 1, o_.history, influx_url_);
    if (!d) {
      fail("rss", d.error());
      return false;
    }
    auto deck = payload_deck::make(*d, 1, o_.connections, 2);
    auto s = stack_.start_server(d->file, dir / "data");
    if (!s) {
      fail("rss", s.error());
      return false;
    }
    server_.emplace(std::move(*s));
    report_.add({"rss", fmt::format("server start-up, {} devices", n), server_->start_seconds, "s",
                 "", std::nullopt, std::nullopt, "exec until connected to the broker"});
    const double idle = rss_mib(server_->process->pid()).value_or(0);
    auto pub = load_publisher::connect({"127.0.0.1", stack_.broker_port(), 1, 0, 2000}, deck);
    if (!pub) {
      fail("rss", pub.error());
      return false;
    }
    (*pub)->start();
    while (!(*pub)->covered_deck()) std::this_thread::sleep_for(milliseconds{20});
    (*pub)->stop();
    (*pub)->drain(milliseconds{60000});
    const double reached = wait_processed(static_cast<double>((*pub)->published()));
    std::this_thread::sleep_for(milliseconds{2000});  // history batches written, queues empty
    const double rss = rss_mib(server_->process->pid()).value_or(0);
    const bool big = n >= 100000;
    report_.add({"rss", fmt::format("resident memory, {} devices heard", n), rss, "MiB",
                 big ? "≤ 256 MiB" : "", std::nullopt, big ? std::optional<bool>(rss <= 256) : std::nullopt,
                 fmt::format("{:.0f} MiB before any message; {:.0f} of {} messages processed", idle,
                             reached, (*pub)->published())});
    server_->process->stop(std::chrono::seconds{60});
    server_.reset();
  }
  return true;
}

bool bench_run::history() {
  if (influx_url_.empty()) {
    auto url = stack_.start_influxd();
    if (!url) {
      fail("history", url.error());
      return false;
    }
    influx_url_ = *url;
  }
  const auto deck = reading_deck::make(*district_, *deck_);
  say(fmt::format("history: {} points of {} messages to InfluxDB ({}), a plain client then the "
                  "server's writer, {} s each",
                  deck.points(), deck.messages().size(), influx_url_, o_.duration_s));
  if (deck.refused() > 0) {
    fail("history", fmt::format("the adapters refused {} messages of the deck", deck.refused()));
    return false;
  }
  history_comparison race(deck, influx_url_, dir_ / "history");
  const auto duration = milliseconds(static_cast<long>(o_.duration_s * 1000));
  wait_idle(stack_.influxd_pid(), std::chrono::seconds{60});
  auto plain = race.plain("bench_plain_client", duration);
  if (!plain) {
    fail("history", "plain client: " + plain.error());
    return false;
  }
  // influxd compacts what the first half wrote; the second starts once it is idle again.
  wait_idle(stack_.influxd_pid(), std::chrono::seconds{60});
  auto writer = race.writer("bench_history_writer", duration);
  if (!writer) {
    fail("history", writer.error());
    return false;
  }
  const double ratio = plain->points_per_s > 0 ? writer->points_per_s / plain->points_per_s : 0;
  report_.add({"history", "plain client → InfluxDB", plain->points_per_s, "points/s", "",
               std::nullopt, plain->failed == 0 ? std::nullopt : std::optional<bool>(false),
               fmt::format("{} points in {} POSTs of {} in {:.1f} s, {} refused",
                           plain->points, plain->batches, history_comparison::batch_points,
                           plain->seconds, plain->failed)});
  report_.add({"history", "history writer → InfluxDB", writer->points_per_s, "points/s", "≥ 90 %",
               ratio, plain->points_per_s > 0 ? std::optional<bool>(ratio >= 0.9) : std::nullopt,
               fmt::format("ratio: writer / plain client; {} of {} appended points written in "
                           "{:.1f} s, {} write errors, spool at most {} bytes",
                           writer->points, writer->offered, writer->seconds,
                           writer->write_errors, writer->spooled_bytes)});
  const double dropped = static_cast<double>(writer->offered) - static_cast<double>(writer->points);
  report_.add({"history", "history writer dropped", dropped, "points", "0", std::nullopt,
               dropped == 0, fmt::format("{} rejected", writer->rejected)});
  return true;
}

bool bench_run::peer() {
  // The same devices and payloads (telemetry only: the flow subscribes to .../telemetry) to
  // the broker Node-RED reads, flat out, then the probes under the background of our 20 % run.
  say(fmt::format("peer: Node-RED on {}, its broker on port {}", o_.peer_ws, o_.peer_mqtt_port));
  auto deck = payload_deck::make(*district_, 2, o_.connections, 1, true);
  auto probe_pub = probe_connection(o_.peer_mqtt_port, "campus-bench-peer-probe-{}");
  if (!probe_pub) {
    fail("peer", probe_pub.error());
    return false;
  }
  auto payloads = make_probe_payloads(*district_, 1);
  if (payloads.empty()) {
    fail("peer", "no probe payloads");
    return false;
  }
  // The marker: one probe raise sent right after the flood. The flow answers it only once
  // every message before it has passed its JSON and switch nodes. Its count node, first in the
  // flow, runs seconds ahead of those under a backlog: the count says received, the marker
  // says processed.
  deck_message marker = payloads.front().raise;
  const std::string marker_device = district_->probes.front().device;
  std::atomic<bool> marker_armed{false};
  std::atomic<steady::rep> marker_at{0};
  alert_probe probe(**probe_pub, *district_, std::move(payloads), 1, o_.qos, false);
  peer_watch watch(o_.peer_ws, [&](std::string_view d, steady::time_point t) {
    if (marker_armed.load() && d == marker_device) {
      marker_at.store(t.time_since_epoch().count());
      marker_armed.store(false);
      return;
    }
    probe.on_alert(0, d, true, t);
  });
  if (!watch.open(milliseconds{30000})) {
    fail("peer", "no count message from " + o_.peer_ws);
    return false;
  }

  double published = 0;
  steady::time_point t0;
  peer_watch::count_sample c0;
  {
    auto pub = load_publisher::connect({"127.0.0.1", o_.peer_mqtt_port, o_.qos, 0, 2000}, deck);
    if (!pub) {
      fail("peer", pub.error());
      return false;
    }
    std::this_thread::sleep_for(milliseconds{1100});
    c0 = watch.last_count();
    t0 = steady::now();
    (*pub)->start();
    std::this_thread::sleep_for(milliseconds(static_cast<long>(o_.duration_s * 1000)));
    (*pub)->stop();
    (*pub)->drain(milliseconds{60000});
    published = static_cast<double>((*pub)->published());
  }  // the flood's connections close here, before the background's open
  stamp(marker, wall_now());
  marker_armed.store(true);
  (void)(*probe_pub)->publish({marker.topic, marker.payload, false}, o_.qos);
  // Node-RED falls behind and catches up later (its broker queues for it). Wait for the
  // marker while its count still moves (its count comes once a second), and then for as long
  // again as the flood took: the count node has everything long before the switch does (at
  // 10,000 devices and 15 s of flood the switch finished 20–40 s after the count stopped).
  auto last = watch.last_count();
  auto moved = steady::now();
  auto counted_at = last.at;  // when the final count was first reported
  const double patience = std::max(10.0, 3.0 * o_.duration_s);
  while (marker_armed.load() && seconds_since(moved) < patience) {
    std::this_thread::sleep_for(milliseconds{50});
    const auto now = watch.last_count();
    if (now.count > last.count) {
      moved = steady::now();
      if (now.count - c0.count <= published) counted_at = now.at;
    }
    last = now;
  }
  if (marker_armed.exchange(false)) {
    fail("peer", fmt::format("Node-RED did not answer the marker raise after the flood (its "
                             "count stopped at {:.0f} of {:.0f})", last.count - c0.count, published));
    return false;
  }
  const steady::time_point processed_at{steady::duration{marker_at.load()}};
  const double span = std::chrono::duration<double>(processed_at - t0).count();
  const double received = std::min(last.count - c0.count - 1, published);  // less the marker
  const double rate = span > 0 ? received / span : 0;
  const double counted_span = std::chrono::duration<double>(counted_at - t0).count();
  const double ours = [&] {
    const auto* r = report_.find("throughput", fmt::format("processed, rules + {} history", o_.history));
    return r ? r->value : 0.0;
  }();
  report_.add({"peer", "Node-RED processed", rate, "msg/s", "", std::nullopt, std::nullopt,
               fmt::format("{:.0f} messages through its switch in {:.1f} s (a marker alert sent "
                           "after them came back); its count node had them after {:.1f} s",
                           received, span, counted_span)});
  report_.add({"peer", "server ÷ Node-RED throughput", rate > 0 ? ours / rate : 0, "×", "≥ 5×",
               std::nullopt, rate > 0 && ours > 0 ? std::optional<bool>(ours >= 5 * rate) : std::nullopt,
               ours > 0 ? "" : "no throughput phase"});
  report_.add({"peer", "Node-RED lost", published - received, "messages", "", std::nullopt,
               std::nullopt, fmt::format("{:.0f} published", published)});

  // Latency: the background of our 20 % run, a second to settle as ours has, then the probes.
  const double background = 0.2 * ceiling_of(o_.qos);
  std::unique_ptr<load_publisher> bg;
  if (background > 0) {
    auto made = load_publisher::connect({"127.0.0.1", o_.peer_mqtt_port, o_.qos, background, 2000}, deck);
    if (!made) {
      fail("peer", made.error());
      return false;
    }
    bg = std::move(*made);
    bg->start();
    std::this_thread::sleep_for(milliseconds{1000});
  }
  probe.reset();
  const auto b0 = bg ? bg->published() : 0;
  const auto l0 = steady::now();
  probe.run(milliseconds(static_cast<long>(o_.duration_s * 1000)));
  const double sent = bg ? static_cast<double>(bg->published() - b0) / seconds_since(l0) : 0;
  if (bg) bg->stop();
  auto s = probe.samples();
  const auto note = fmt::format("{} samples, {} raises, background {:.0f} msg/s sent", s.size(),
                                probe.raises(), sent);
  const double p50 = quantile(s, 0.5), p99 = quantile(s, 0.99), p999 = quantile(s, 0.999);
  report_.add({"peer", "Node-RED publish → alert p50", p50, "ms", "", std::nullopt, std::nullopt, note});
  report_.add({"peer", "Node-RED publish → alert p99", p99, "ms", "", std::nullopt, std::nullopt, ""});
  report_.add({"peer", "Node-RED publish → alert p99.9", p999, "ms", "", std::nullopt, std::nullopt, ""});
  report_.add({"peer", "Node-RED missed alerts", static_cast<double>(probe.missed()), "deliveries",
               "", std::nullopt, std::nullopt, "no answer within 5 s"});
  if (const auto* r = report_.find("latency 20 %", "publish → alert p99"); r && !s.empty() && p99 > 0)
    report_.add({"peer", "server ÷ Node-RED p99 at 20 %", r->value / p99, "×", "", std::nullopt,
                 std::nullopt, "ours ÷ Node-RED, above 1: ours is slower"});
  return true;
}

}  // namespace campus::bench
