// What a WebSocket client can send after the handshake, read the way websocket_session reads it
// (Beast's stream, the same message size limit, no compression): arbitrary bytes as frames,
// masked or not, fragmented, control frames, close. Today the server reads client messages only
// to keep pings, pongs and close flowing and discards them (websocket_session::on_read); a
// message the server starts to interpret joins this target.
//
// Checked: no crash or undefined behaviour, no message above the limit is ever delivered, and
// reading ends (an error or a close) once the client's bytes are used up.
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

// net/websocket_session.cpp's limit.
constexpr std::size_t max_incoming_message = 4096;

http::request<http::string_body> browser_handshake() {
  http::request<http::string_body> req{http::verb::get, "/ws", 11};
  req.set(http::field::host, "127.0.0.1:8080");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::connection, "Upgrade");
  req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
  req.set(http::field::sec_websocket_version, "13");
  req.set(http::field::origin, "http://127.0.0.1:8080");
  return req;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using campus::fuzz::check;
  asio::io_context io;
  websocket::stream<beast::test::stream> ws(io);
  beast::test::stream client(io);
  ws.next_layer().connect(client);
  ws.read_message_max(max_incoming_message);
  ws.text(true);

  beast::error_code ec;
  ws.accept(browser_handshake(), ec);
  check(!ec, "the server refused a browser's handshake: " + ec.message());

  // Everything the client sends, then it stops sending (end of stream after the bytes).
  client.write_some(asio::buffer(data, size), ec);
  check(!ec, "could not hand the client's bytes over");
  client.close();

  beast::flat_buffer buffer;
  // Each read consumes at least a frame header's worth of bytes or fails, so this ends; the
  // bound only turns a hang into a finding.
  for (std::size_t reads = 0;; ++reads) {
    check(reads <= size + 1, "reading does not end although the client's bytes are used up");
    const std::size_t n = ws.read(buffer, ec);
    if (ec) break;
    check(n <= max_incoming_message && buffer.size() <= max_incoming_message,
          "a message above the limit was delivered");
    buffer.consume(buffer.size());
  }
  return 0;
}
