// Process-wide counters and gauges, rendered in the Prometheus text format at /metrics.
// Counters are atomics so any thread may bump them; registration happens at start-up.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace campus::core {

class metrics {
 public:
  class counter {
   public:
    void inc(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
    void set(std::int64_t n) { v_.store(static_cast<std::uint64_t>(n), std::memory_order_relaxed); }
    std::int64_t value() const { return static_cast<std::int64_t>(v_.load(std::memory_order_relaxed)); }

   private:
    std::atomic<std::uint64_t> v_{0};
  };

  // Returns the counter for name{labels}, creating it on first use. The reference stays valid
  // for the life of the registry. `labels` is the Prometheus label text without braces,
  // e.g. `reason="malformed_json"`.
  counter& get(const std::string& name, const std::string& labels = {});

  // Declares HELP and TYPE ("counter" or "gauge") for a metric name.
  void describe(const std::string& name, const std::string& type, const std::string& help);

  std::string render() const;

 private:
  struct family {
    std::string type = "gauge";
    std::string help;
    std::map<std::string, std::unique_ptr<counter>> series;  // by label text
  };
  mutable std::mutex mutex_;
  std::map<std::string, family> families_;
};

}  // namespace campus::core
