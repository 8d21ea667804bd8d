#include "bench/peer_watch.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

namespace campus::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

struct peer_watch::session {
  explicit session(asio::io_context& io) : ws(io) {}
  beast::websocket::stream<beast::tcp_stream> ws;
  beast::flat_buffer buffer;
};

peer_watch::peer_watch(std::string url, alert_handler on_alert)
    : url_(std::move(url)), on_alert_(std::move(on_alert)) {}

peer_watch::~peer_watch() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

bool peer_watch::open(std::chrono::milliseconds timeout) {
  // ws://HOST:PORT/PATH, loopback only.
  const std::string prefix = "ws://";
  if (url_.rfind(prefix, 0) != 0) return false;
  const auto rest = url_.substr(prefix.size());
  const auto slash = rest.find('/');
  const auto hostport = rest.substr(0, slash);
  const auto path = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = hostport.rfind(':');
  if (colon == std::string::npos) return false;
  try {
    session_ = std::make_shared<session>(io_);
    beast::get_lowest_layer(session_->ws).connect(
        tcp::endpoint(asio::ip::make_address(hostport.substr(0, colon)),
                      static_cast<unsigned short>(std::stoi(hostport.substr(colon + 1)))));
    session_->ws.handshake(hostport, path);
  } catch (const std::exception&) {
    return false;
  }
  read();
  thread_ = std::thread([this] { io_.run(); });
  const auto deadline = steady::now() + timeout;
  while (last_count().count < 0 && steady::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  return last_count().count >= 0;
}

void peer_watch::read() {
  session_->ws.async_read(session_->buffer, [this](boost::system::error_code ec, std::size_t) {
    if (ec) return;
    const auto at = steady::now();
    const auto data = session_->buffer.cdata();
    boost::system::error_code pec;
    auto v = boost::json::parse(
        std::string_view(static_cast<const char*>(data.data()), data.size()), pec);
    session_->buffer.consume(session_->buffer.size());
    if (!pec && v.is_object()) {
      const auto& o = v.as_object();
      if (const auto* c = o.if_contains("count"); c && c->is_number()) {
        std::lock_guard lock(mutex_);
        last_ = {c->to_number<double>(), at};
      } else if (const auto* d = o.if_contains("device"); d && d->is_string()) {
        on_alert_(d->as_string(), at);
      }
    }
    read();
  });
}

peer_watch::count_sample peer_watch::last_count() const {
  std::lock_guard lock(mutex_);
  return last_;
}

}  // namespace campus::bench
