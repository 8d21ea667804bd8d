#include "bench/alert_probe.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace campus::bench {

namespace {
constexpr auto give_up = std::chrono::seconds{5};
constexpr auto pause_between = std::chrono::milliseconds{10};
}  // namespace

alert_probe::alert_probe(sim::mqtt_publisher& publisher, const bench_district& district,
                         std::vector<probe_payloads> payloads, int clients, int qos,
                         bool awaits_clear)
    : publisher_(publisher), clients_(clients), qos_(qos), awaits_clear_(awaits_clear) {
  for (std::size_t i = 0; i < payloads.size() && i < district.probes.size(); ++i) {
    probe p;
    p.device = district.probes[i].device;
    p.payloads = std::move(payloads[i]);
    p.seen.assign(static_cast<std::size_t>(clients), false);
    index_.emplace(p.device, probes_.size());
    probes_.push_back(std::move(p));
  }
}

void alert_probe::publish(probe& p, bool raise) {
  auto& m = raise ? p.payloads.raise : p.payloads.clear;
  stamp(m, wall_now());
  std::fill(p.seen.begin(), p.seen.end(), false);
  p.seen_count = 0;
  p.at = raise ? stage::raising : stage::clearing;
  p.sent = steady::now();
  if (raise) ++raises_;
  (void)publisher_.publish({m.topic, m.payload, false}, qos_);
}

void alert_probe::on_alert(int client, std::string_view device, bool active,
                           steady::time_point at) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(device);
  if (it == index_.end() || client < 0 || client >= clients_) return;
  probe& p = probes_[it->second];
  const bool expected = (p.at == stage::raising && active) || (p.at == stage::clearing && !active);
  if (!expected || p.seen[static_cast<std::size_t>(client)]) return;
  p.seen[static_cast<std::size_t>(client)] = true;
  ++p.seen_count;
  if (active) samples_.push_back(std::chrono::duration<double, std::milli>(at - p.sent).count());
  if (p.seen_count < clients_) return;
  if (p.at == stage::raising) {
    publish(p, false);
    if (!awaits_clear_) {
      p.at = stage::idle;
      p.sent = at;
    }
  } else {
    p.at = stage::idle;
    p.sent = at;  // the pause before the next raise counts from here
  }
}

void alert_probe::expire(probe& p, steady::time_point now) {
  if (p.at == stage::idle || now - p.sent < give_up) return;
  if (p.at == stage::raising) missed_ += static_cast<std::uint64_t>(clients_ - p.seen_count);
  // Start over from a clear whatever was missed, so the next raise is a real transition.
  publish(p, false);
  if (!awaits_clear_) p.at = stage::idle;  // nobody will confirm the clear
}

void alert_probe::run(std::chrono::milliseconds duration) {
  const auto end = steady::now() + duration;
  for (;;) {
    const auto now = steady::now();
    bool busy = false;
    {
      std::lock_guard lock(mutex_);
      for (auto& p : probes_) {
        if (now < end && p.at == stage::idle && now - p.sent >= pause_between) publish(p, true);
        expire(p, now);
        busy = busy || p.at != stage::idle;
      }
    }
    if (now >= end && (!busy || now >= end + give_up)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds{2});
  }
}

std::vector<double> alert_probe::samples() const {
  std::lock_guard lock(mutex_);
  return samples_;
}

std::uint64_t alert_probe::raises() const {
  std::lock_guard lock(mutex_);
  return raises_;
}

std::uint64_t alert_probe::missed() const {
  std::lock_guard lock(mutex_);
  return missed_;
}

void alert_probe::reset() {
  std::lock_guard lock(mutex_);
  samples_.clear();
  raises_ = 0;
  missed_ = 0;
}

double quantile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace campus::bench
