#include "bench/ws_fleet.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

namespace campus::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

// One connection. Owned by the fleet's vector; its handlers hold a shared_ptr so a client
// outlives any operation still pending when the io_context stops.
class ws_fleet::client : public std::enable_shared_from_this<ws_fleet::client> {
 public:
  client(ws_fleet& fleet, int index) : fleet_(fleet), index_(index), ws_(fleet.io_) {}

  void start() {
    auto& sock = beast::get_lowest_layer(ws_).socket();
    boost::system::error_code ec;
    sock.open(tcp::v4(), ec);
    const auto source = asio::ip::make_address_v4("127.0.1." + std::to_string(1 + index_ / 200));
    if (!ec) sock.bind(tcp::endpoint(source, 0), ec);
    if (ec) return fail();
    const tcp::endpoint server(asio::ip::make_address("127.0.0.1"),
                               static_cast<unsigned short>(fleet_.port_));
    sock.async_connect(server, [self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return self->fail();
      self->handshake();
    });
  }

 private:
  void handshake() {
    ws_.read_message_max(64 * 1024 * 1024);
    ws_.set_option(websocket::stream_base::decorator([token = fleet_.token_](websocket::request_type& r) {
      r.set(beast::http::field::authorization, "Bearer " + token);
    }));
    ws_.async_handshake("127.0.0.1:" + std::to_string(fleet_.port_), "/ws",
                        [self = shared_from_this()](boost::system::error_code ec) {
                          if (ec) return self->fail();
                          self->read();
                        });
  }

  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
      if (ec) {
        if (!self->snapshot_)
          self->fail();
        else if (ec != boost::asio::error::operation_aborted)
          self->fleet_.closed_.fetch_add(1);  // the server closed it (e.g. "client too slow")
        return;
      }
      self->on_message();
      self->read();
    });
  }

  void on_message() {
    const auto at = steady::now();
    fleet_.messages_.fetch_add(1, std::memory_order_relaxed);
    const auto data = buffer_.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    if (!snapshot_) {
      snapshot_ = true;
      fleet_.ready_.fetch_add(1);
    }
    // The server writes "type" first; only alerts are parsed.
    if (text.starts_with(R"({"type":"alert")")) {
      boost::system::error_code ec;
      auto v = boost::json::parse(text, ec);
      const auto* alert = !ec && v.is_object() ? v.as_object().if_contains("alert") : nullptr;
      if (alert && alert->is_object()) {
        const auto* device = alert->as_object().if_contains("device");
        const auto* cond = alert->as_object().if_contains("condition");
        const auto* event = v.as_object().if_contains("event");
        const bool acted_on = event && event->is_string() &&
                              (event->as_string() == "raised" || event->as_string() == "refired" ||
                               event->as_string() == "cleared");
        if (acted_on && device && device->is_string() && cond && cond->is_string())
          fleet_.on_alert_(index_, device->as_string(), cond->as_string() == "active", at);
      }
    }
    buffer_.consume(buffer_.size());
  }

  void fail() { fleet_.failed_.fetch_add(1); }

  ws_fleet& fleet_;
  int index_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  bool snapshot_ = false;
};

ws_fleet::ws_fleet(int port, std::string token, int clients, alert_handler on_alert)
    : token_(std::move(token)), port_(port), count_(clients), on_alert_(std::move(on_alert)) {}

ws_fleet::~ws_fleet() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

int ws_fleet::open(std::chrono::milliseconds timeout) {
  for (int i = 0; i < count_; ++i) clients_.push_back(std::make_shared<client>(*this, i));
  for (auto& c : clients_) c->start();
  thread_ = std::thread([this] { io_.run(); });
  const auto deadline = steady::now() + timeout;
  while (ready_.load() + failed_.load() < count_ && steady::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  return ready_.load();
}

}  // namespace campus::bench
