#include "net/session_context.hpp"

namespace campus::net {

namespace {

std::unordered_map<std::string, std::size_t> devices_per_site(const config::district& d) {
  std::unordered_map<std::string, std::size_t> out;
  for (const auto& s : d.sites) out.emplace(s.id, 0);
  for (const auto& dev : d.devices) {
    if (auto it = out.find(dev.site); it != out.end()) ++it->second;
  }
  return out;
}

}  // namespace

session_context::session_context(ingest::live_state& state_in, core::metrics& metrics_in,
                                 std::filesystem::path dashboards_dir, std::size_t queue_limit,
                                 address_guard::limits limits)
    : state(state_in),
      metrics(metrics_in),
      clients(metrics_in),
      guard(limits, metrics_in),
      http_routes(state_in, metrics_in, std::move(dashboards_dir)),
      ws_queue_limit(queue_limit),
      site_devices(devices_per_site(state_in.district())),
      ws_messages_sent(metrics_in.get("campus_ws_messages_sent_total")),
      ws_slow_clients_closed(metrics_in.get("campus_ws_slow_clients_closed_total")),
      ws_messages_dropped(metrics_in.get("campus_ws_messages_dropped_total")),
      ws_watch_ignored(metrics_in.get("campus_ws_watch_ignored_total")),
      http_requests(metrics_in.get("campus_http_requests_total")),
      tls_handshake_failures(metrics_in.get("campus_http_tls_handshake_failures_total")) {
  metrics.describe("campus_ws_messages_sent_total", "counter",
                   "WebSocket messages written to clients.");
  metrics.describe("campus_ws_slow_clients_closed_total", "counter",
                   "WebSocket clients closed because their outgoing queue overflowed.");
  metrics.describe("campus_ws_messages_dropped_total", "counter",
                   "WebSocket readings and school summaries not queued for a client that had "
                   "its limit of them waiting.");
  metrics.describe("campus_ws_watch_ignored_total", "counter",
                   "School ids of WebSocket watch requests ignored (unknown or not the user's) "
                   "or refused (over the watch limits).");
  metrics.describe("campus_http_requests_total", "counter", "HTTP requests answered.");
  metrics.describe("campus_http_tls_handshake_failures_total", "counter",
                   "Connections to the HTTPS port that failed or timed out in the TLS handshake.");
}

void session_context::set_school_tallies(
    std::function<std::vector<bureau::school_tally>()> source) {
  std::lock_guard lock(tallies_mutex_);
  tallies_ = std::move(source);
}

std::vector<bureau::school_tally> session_context::school_tallies() const {
  std::function<std::vector<bureau::school_tally>()> source;
  {
    std::lock_guard lock(tallies_mutex_);
    source = tallies_;
  }
  return source ? source() : std::vector<bureau::school_tally>{};
}

}  // namespace campus::net
