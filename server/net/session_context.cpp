#include "net/session_context.hpp"

namespace campus::net {

session_context::session_context(ingest::live_state& state_in, core::metrics& metrics_in,
                                 std::filesystem::path dashboards_dir, std::size_t queue_limit,
                                 address_guard::limits limits)
    : state(state_in),
      metrics(metrics_in),
      clients(metrics_in),
      guard(limits, metrics_in),
      http_routes(state_in, metrics_in, std::move(dashboards_dir)),
      ws_queue_limit(queue_limit),
      ws_messages_sent(metrics_in.get("campus_ws_messages_sent_total")),
      ws_slow_clients_closed(metrics_in.get("campus_ws_slow_clients_closed_total")),
      http_requests(metrics_in.get("campus_http_requests_total")),
      tls_handshake_failures(metrics_in.get("campus_http_tls_handshake_failures_total")) {
  metrics.describe("campus_ws_messages_sent_total", "counter",
                   "WebSocket messages written to clients.");
  metrics.describe("campus_ws_slow_clients_closed_total", "counter",
                   "WebSocket clients closed because their outgoing queue overflowed.");
  metrics.describe("campus_http_requests_total", "counter", "HTTP requests answered.");
  metrics.describe("campus_http_tls_handshake_failures_total", "counter",
                   "Connections to the HTTPS port that failed or timed out in the TLS handshake.");
}

}  // namespace campus::net
