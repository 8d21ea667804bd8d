// HTTP requests as they arrive on a connection, without sockets: bytes → Beast's request parser
// with the server's header and body limits → request_target::parse → routes::handle against the
// live state of the sample district, then the answer serialised as the session would write it.
// A WebSocket upgrade to /ws goes through the server's handshake settings instead.
//
// Checked: no crash or undefined behaviour; no 500; every JSON body parses; no byte of a file
// outside the dashboards folder is ever served (the folder here is a temporary one beside a
// secret file, with a symbolic link pointing at it and the build files that must not be served).
// Up to four requests are read from one input, as from a keep-alive connection.
#include <boost/asio/io_context.hpp>
#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <boost/json/parse.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "adapters/registry.hpp"
#include "answering_store.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"
#include "fuzz_check.hpp"
#include "ingest/live_state.hpp"
#include "ingest/pipeline.hpp"
#include "net/access.hpp"
#include "net/request_context.hpp"
#include "net/request_target.hpp"
#include "net/routes.hpp"
#include "rules/rule_engine.hpp"
#include "sample_district.hpp"

namespace campus::fuzz {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;

// The limits of net/http_session.cpp.
constexpr std::size_t body_limit = 64 * 1024;
constexpr std::uint32_t header_limit = 16 * 1024;
constexpr std::string_view secret = "CAMPUS-FUZZ-SECRET-7f3a";

void write_file(const fs::path& p, std::string_view text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// <tmp>/secret.txt, and <tmp>/dashboards with a page, an asset, a link to the secret and the
// build files that the static file handler refuses to serve (each holding the secret too).
fs::path make_dashboards() {
  const fs::path base = fs::temp_directory_path() / ("campus-fuzz-http-" + std::to_string(getpid()));
  fs::remove_all(base);
  const fs::path root = base / "dashboards";
  write_file(base / "secret.txt", secret);
  write_file(root / "index.html", "<!doctype html><title>campus</title>");
  write_file(root / "app.js", "export const x = 1;");
  write_file(root / "css" / "site.css", "body{}");
  write_file(root / "package.json", secret);
  write_file(root / "vendor.mjs", secret);
  write_file(root / "node_modules" / "x" / "index.js", secret);
  fs::create_symlink(base / "secret.txt", root / "leak.txt");
  fs::create_directory_symlink(base, root / "up");
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(fs::temp_directory_path() / ("campus-fuzz-http-" + std::to_string(getpid())), ec);
  });
  return root;
}

// The server's routes over the sample district, with a few readings applied so that the API
// has values to show, and a history store that answers.
struct server_under_test {
  const config::district& district = sample_district();
  core::manual_clock clock;
  core::metrics metrics;
  ingest::live_state state{district};
  rules::rule_engine engine{district.rules, ingest::device_profiles(district), clock};
  ingest::pipeline pipeline{district, adapters::builtin_registry(), engine, state, metrics, clock};
  answering_store store;
  net::routes routes{state, metrics, make_dashboards()};

  server_under_test() {
    quiet_server_logs();
    pipeline.on_message("campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry",
                        R"({"lel_pct": 30.5, "valve": "open"})");
    pipeline.on_message("campus/xh-primary/pond/xh-pond-beacon-1/telemetry",
                        R"({"tags":[{"id":"学生-07","dist_m":1.5}]})");
    pipeline.on_message("campus/xh-primary/gate/xh-gate-alarm-1/status", "offline");
    routes.set_history(&store);
    check(metrics.get("campus_readings_total").value() >= 3, "the setup readings were refused");
    // What a user bound to xh-primary must never be shown: the other schools' ids and names,
    // and their devices' (leaving out text xh-primary shares, such as a device type's name).
    std::vector<std::string> own;
    for (const auto& dev : district.devices) {
      if (dev.site == own_site) own.insert(own.end(), {dev.id, dev.name, dev.name_en});
    }
    auto add = [&](const std::string& text) {
      if (text.size() >= 4 && std::find(own.begin(), own.end(), text) == own.end())
        other_schools.push_back(text);
    };
    for (const auto& site : district.sites) {
      if (site.id != own_site) add(site.id), add(site.name), add(site.name_en);
    }
    for (const auto& dev : district.devices) {
      if (dev.site != own_site) add(dev.id), add(dev.name);
    }
  }

  static constexpr std::string_view own_site = "xh-primary";
  std::vector<std::string> other_schools;
};

// Who asks, as http_session::context_of decides with an authenticator: no session token, no
// principal (only public routes answer); a token starting with "viewer" stands for a viewer of
// xh-primary only, any other token for a user who sees everything.
net::request_context context_of(const net::request& req) {
  net::request_context ctx;
  ctx.address = "192.0.2.7";
  if (auto token = net::access::session_token(req)) {
    if (token->starts_with("viewer")) {
      auth::principal p;
      p.user = "fuzz-viewer";
      p.display_name = "fuzz-viewer";
      p.level = auth::role::viewer;
      p.sites = {std::string(server_under_test::own_site)};
      ctx.who = std::move(p);
    } else {
      ctx.who = net::access::open_access();
    }
  }
  return ctx;
}

// Feeds bytes to a Beast parser as http::read would, consuming what it used from `rest`; the
// end of `rest` is the end of the stream. Like http::read, the parser is given everything
// there is at once (eager, so it goes on into the body) and, when it needs more, is never
// called again with the same bytes: the stream has ended, so it gets put_eof. (Calling put()
// again without new data breaks the parser's contract: it resumes assuming the buffer grew.)
template <class Parser>
beast::error_code feed(Parser& parser, std::string_view& rest) {
  parser.eager(true);
  beast::error_code ec;
  const std::size_t used = parser.put(asio::buffer(rest.data(), rest.size()), ec);
  rest.remove_prefix(used);
  if (ec == http::error::need_more) parser.put_eof(ec);
  return ec;
}

std::string serialise(http::message_generator& gen) {
  std::string out;
  beast::error_code ec;
  while (!gen.is_done()) {
    const auto buffers = gen.prepare(ec);
    check(!ec, "a response does not serialise: " + ec.message());
    std::size_t n = 0;
    for (const auto& b : buffers) {
      out.append(static_cast<const char*>(b.data()), b.size());
      n += b.size();
    }
    gen.consume(n);
  }
  return out;
}

void check_response(const net::request_target* target, http::verb method,
                    const net::string_response& parsed, const std::string& wire,
                    std::string_view asked) {
  // The secret in the answer is a leak unless the request carried it: an error message may
  // quote the request (a parameter's name, say), and the fuzzer learns the secret's bytes.
  check(wire.find(secret) == std::string::npos || asked.find(secret) != std::string_view::npos,
        "a file outside the dashboards folder was served for " +
            (target ? target->path() : std::string("?")));
  check(parsed.result() != http::status::internal_server_error, "500 for " + wire.substr(0, 200));
  const auto type = parsed[http::field::content_type];
  if (method != http::verb::head && type.starts_with("application/json")) {
    boost::system::error_code ec;
    (void)boost::json::parse(parsed.body(), ec);
    check(!ec, "a JSON body does not parse (" + ec.message() + "): " + parsed.body().substr(0, 300));
  }
}

// Reads back a response the routes wrote, to look at its status and body.
net::string_response read_back(const std::string& wire, http::verb method) {
  http::response_parser<http::string_body> p;
  p.body_limit(std::numeric_limits<std::uint64_t>::max());
  p.skip(method == http::verb::head);
  std::string_view rest = wire;
  const auto ec = feed(p, rest);
  // The static file handler streams files: those are read back as text too.
  check(!ec && p.is_done() && rest.empty(), "a response does not parse back: " + ec.message());
  return p.release();
}

void answer(server_under_test& server, net::request req, std::string_view raw) {
  const auto method = req.method();
  const auto target = net::request_target::parse(req.target());
  const net::request_context ctx = context_of(req);
  auto result = server.routes.handle(std::move(req), ctx);
  std::string wire;
  if (auto* now = std::get_if<http::message_generator>(&result)) {
    wire = serialise(*now);
  } else {
    // A deferred answer (history): run it on an io_context as the session's strand would.
    asio::io_context io;
    std::optional<net::string_response> reply;
    std::get<net::deferred_response>(result)(
        io.get_executor(), [&reply](net::string_response r) { reply = std::move(r); });
    io.run();
    check(reply.has_value(), "a deferred answer never replied");
    http::message_generator gen(std::move(*reply));
    wire = serialise(gen);
  }
  check_response(target ? &*target : nullptr, method, read_back(wire, method), wire, raw);

  // A school's user sees only that school: text of another school in the answer is a leak,
  // unless the request itself carried it (an error message may quote the request).
  if (ctx.who && !ctx.who->all_sites) {
    std::string asked(raw);
    if (target) {
      asked += target->path();
      for (const auto& [k, v] : target->params()) asked += k + "=" + v + "&";
    }
    for (const auto& text : server.other_schools) {
      check(wire.find(text) == std::string::npos || asked.find(text) != std::string::npos,
            "a viewer of xh-primary was shown \"" + text + "\" of another school");
    }
  }
}

// The handshake as websocket_session runs it, on an in-memory stream.
void upgrade(net::request req) {
  // http_session refuses these before the handshake.
  if (!net::access::same_origin(req) || !context_of(req).who) return;
  asio::io_context io;
  beast::websocket::stream<beast::test::stream> ws(io);
  beast::test::stream client(io);
  ws.next_layer().connect(client);
  ws.read_message_max(4096);
  beast::error_code ec;
  ws.accept(req, ec);  // a bad handshake is answered with 400 and an error, never a crash
}

}  // namespace
}  // namespace campus::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace campus::fuzz;
  static server_under_test server;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (int i = 0; i < 4 && !rest.empty(); ++i) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    parser.header_limit(header_limit);
    const std::string_view whole = rest;
    const auto ec = feed(parser, rest);
    // The session answers a limit with 413/431 and closes; any other error ends the connection.
    if (ec || !parser.is_done()) return 0;
    const std::string_view request_bytes = whole.substr(0, whole.size() - rest.size());
    auto req = parser.release();
    if (beast::websocket::is_upgrade(req)) {
      const auto target = campus::net::request_target::parse(req.target());
      if (target && target->path() == "/ws") {
        upgrade(std::move(req));
        return 0;  // the connection now belongs to the WebSocket session
      }
      continue;  // answered with 404; the connection stays open
    }
    answer(server, std::move(req), request_bytes);
  }
  return 0;
}
