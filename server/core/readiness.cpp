#include "core/readiness.hpp"

#include <fmt/format.h>

#include "core/log.hpp"

namespace campus::core {

readiness::readiness(const clock& clock, metrics& metrics)
    : clock_(clock), metrics_(metrics), ready_(metrics.get("campus_ready")) {
  metrics.describe("campus_ready", "gauge",
                   "1 when every part works (the ledger and history can write, the broker is "
                   "connected, history keeps up); 0 otherwise: GET /readyz says why.");
  metrics.describe("campus_not_ready", "gauge",
                   "1 while the part named in the label reports a problem (GET /readyz).");
  ready_.set(1);
}

void readiness::report(const std::string& part, std::string reason) {
  std::lock_guard lock(mutex_);
  auto it = problems_.find(part);
  if (it != problems_.end()) {
    if (it->second.reason == reason) return;
    log(log_level::warn, "not ready: {}: {}", part, reason);
    it->second.reason = std::move(reason);
    return;
  }
  log(log_level::warn, "not ready: {}: {}", part, reason);
  problems_.emplace(part, problem{part, std::move(reason), clock_.now()});
  metrics_.get("campus_not_ready", fmt::format("part=\"{}\"", part)).set(1);
  publish_locked();
}

void readiness::clear(const std::string& part) {
  std::lock_guard lock(mutex_);
  auto it = problems_.find(part);
  if (it == problems_.end()) return;
  log(log_level::info, "ready again: {} (its problem began {} s ago: {})", part,
      std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - it->second.since).count(),
      it->second.reason);
  problems_.erase(it);
  metrics_.get("campus_not_ready", fmt::format("part=\"{}\"", part)).set(0);
  publish_locked();
}

bool readiness::ready() const {
  std::lock_guard lock(mutex_);
  return problems_.empty();
}

std::vector<readiness::problem> readiness::problems() const {
  std::lock_guard lock(mutex_);
  std::vector<problem> out;
  out.reserve(problems_.size());
  for (const auto& [part, p] : problems_) out.push_back(p);
  return out;
}

void readiness::publish_locked() { ready_.set(problems_.empty() ? 1 : 0); }

}  // namespace campus::core
