// A real campus::net::server on 127.0.0.1 (port 0) with two io_context threads, a small
// district written by hand, a dashboards folder in a temporary directory, and Beast
// synchronous clients to talk to it.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

#include "config/district.hpp"
#include "core/metrics.hpp"
#include "ingest/live_state.hpp"
#include "net/server.hpp"
#include "temp_dir.hpp"

namespace campus::net::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = asio::ip::tcp;

inline config::district sample_district() {
  config::district d;
  d.id = "demo";
  d.name = "示范区";
  d.name_en = "Demo district";
  d.sites.push_back({"s1", "第一中学", "No. 1 Middle School", "Asia/Shanghai",
                     {{"kitchen", "canteen_kitchen", "食堂后厨", "Canteen kitchen"},
                      {"store", "chemical_store", "危化品库", "Chemical store"}}});
  d.sites.push_back({"s2", "第二小学", "No. 2 Primary School", "Asia/Shanghai",
                     {{"pond", "water_zone", "池塘", "Pond"}}});
  d.devices.push_back({"s1-gas", "s1", "kitchen", "gas_detector", "燃气探测器", "Gas detector", {}});
  d.devices.push_back({"s1-cab", "s1", "store", "hazmat_cabinet", "危化品柜", "Hazmat cabinet", {}});
  d.devices.push_back({"s2-beacon", "s2", "pond", "water_beacon", "池塘信标", "Pond beacon", {}});
  return d;
}

inline core::reading gas_reading(double lel, std::int64_t ts = 1763860000123) {
  return {"s1", "kitchen", "s1-gas", "lel_pct", "", lel, "%LEL", core::from_epoch_ms(ts)};
}

inline rules::alert_event gas_alert(std::string id, rules::alert_event::kind what,
                                    core::reading_value value = 12.5) {
  rules::alert a;
  a.id = std::move(id);
  a.site = "s1";
  a.zone = "kitchen";
  a.device = "s1-gas";
  a.rule = "gas_high";
  a.rule_name = "燃气浓度超限";
  a.rule_name_en = "Gas above limit";
  a.metric = "lel_pct";
  a.severity = core::severity::red;
  a.value = std::move(value);
  a.threshold = 10.0;
  a.raised_at = core::from_epoch_ms(1763860000000);
  a.updated_at = core::from_epoch_ms(1763860001000);
  return {what, std::move(a)};
}

// A WebSocket client; a small receive buffer (set before connecting) makes it fill quickly.
class ws_client {
 public:
  explicit ws_client(unsigned short port, std::optional<int> receive_buffer = std::nullopt) {
    auto& socket = ws_.next_layer();
    socket.open(tcp::v4());
    if (receive_buffer) socket.set_option(asio::socket_base::receive_buffer_size(*receive_buffer));
    socket.connect({asio::ip::make_address("127.0.0.1"), port});
    ws_.handshake("127.0.0.1", "/ws");
  }

  json::object read() {
    beast::flat_buffer buffer;
    ws_.read(buffer);
    return json::parse(beast::buffers_to_string(buffer.data())).as_object();
  }
  // Reads until the connection ends; returns how it ended.
  beast::error_code read_raw(std::string& out) {
    beast::flat_buffer buffer;
    beast::error_code ec;
    ws_.read(buffer, ec);
    out = beast::buffers_to_string(buffer.data());
    return ec;
  }
  // A client → server message (a watch).
  void write(const std::string& text) { ws_.write(asio::buffer(text)); }
  websocket::stream<tcp::socket>& stream() { return ws_; }

 private:
  asio::io_context io_;
  websocket::stream<tcp::socket> ws_{io_};
};

class server_fixture : public ::testing::Test {
 protected:
  explicit server_fixture(std::size_t ws_queue_limit = 1024,
                          config::district district = sample_district())
      : district_(std::move(district)) {
    // The dashboards folder sits next to a file that must never be served.
    root_.write("www/index.html", "<!doctype html><title>CampusShield</title>");
    root_.write("www/js/app.js", "export const ok = true;\n");
    root_.write("www/css/site.css", "body{margin:0}\n");
    root_.write("secret.txt", "do not serve");
    config::http_settings http;
    http.ws_queue_limit = ws_queue_limit;
    server_ = std::make_unique<net::server>(io_, http, (root_.path() / "www").string(), state_,
                                            metrics_);
    auto bound = server_->start("127.0.0.1", 0);
    if (!bound) throw std::runtime_error(bound.error());
    port_ = bound->port();
    // Two threads, as a server may run: sessions must rely on their strands, not on luck.
    for (auto& t : runners_) t = std::thread([this] { io_.run(); });
  }

  ~server_fixture() override {
    server_->stop();
    work_.reset();
    io_.stop();
    for (auto& t : runners_) t.join();
  }

  http::response<http::string_body> request(http::verb method, const std::string& target,
                                            std::string body = {}) {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port_});
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(false);
    if (!body.empty()) {
      req.body() = std::move(body);
      req.prepare_payload();
    }
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(method == http::verb::head);  // a HEAD response announces a body it does not send
    http::read(stream, buffer, parser);
    return parser.release();
  }
  http::response<http::string_body> get(const std::string& target) {
    return request(http::verb::get, target);
  }
  static json::object body_json(const http::response<http::string_body>& res) {
    return json::parse(res.body()).as_object();
  }

  std::int64_t counter(const std::string& name) { return metrics_.get(name).value(); }

  // Waits for a condition the server reaches on its own thread (a session ending); the
  // test's own timeout bounds the wait.
  static void wait_until(const std::function<bool()>& condition) {
    while (!condition()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  temp_dir root_;
  config::district district_ = sample_district();
  core::metrics metrics_;
  ingest::live_state state_{district_};
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::unique_ptr<net::server> server_;
  std::thread runners_[2];
  unsigned short port_ = 0;
};

}  // namespace campus::net::test
