#include "campus_server.hpp"

#include "support/free_port.hpp"
#include "support/wait_until.hpp"
#include "ws_client.hpp"

namespace campus::test {

campus_server::campus_server(const std::filesystem::path& config, int broker_port,
                             const std::filesystem::path& dir)
    : port_(free_port()),
      data_dir_(dir / "data"),
      process_({CAMPUS_SHIELD_BINARY, "serve", "--config", config.string(), "--listen",
                "127.0.0.1:" + std::to_string(port_), "--mqtt",
                "127.0.0.1:" + std::to_string(broker_port), "--data-dir", data_dir_.string()},
               dir / "campus-shield.log") {}

bool campus_server::wait_until_connected() {
  return wait_until([&] { return metric("campus_mqtt_connected") == 1; });
}

double campus_server::metric(const std::string& series) {
  auto r = http_get(port_, "/metrics");
  if (!r || r->status != 200) return -1;
  return metric_value(r->body, series).value_or(-1);
}

}  // namespace campus::test
