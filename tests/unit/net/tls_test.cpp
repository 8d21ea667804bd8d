// HTTPS and WSS: a real campus::net::server with http.tls on 127.0.0.1 (port 0), a certificate
// made for the test by the openssl command line, and Beast clients that trust only the test's
// CA. Also the checks make_tls_context makes before the server binds anything.
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <gtest/gtest.h>

#include <fstream>

#include "net/tls_context.hpp"
#include "server_fixture.hpp"
#include "support/test_pki.hpp"

namespace campus::net::test {
namespace {

namespace ssl = asio::ssl;
using campus::test::test_pki;
using namespace std::chrono_literals;

// A client context that trusts the test CA only and checks that the certificate names
// 127.0.0.1, as a browser checks the address it was given.
std::unique_ptr<ssl::context> client_context(const std::filesystem::path& ca) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->load_verify_file(ca.string());
  ctx->set_verify_mode(ssl::verify_peer);
  ctx->set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  return ctx;
}

class tls_server : public ::testing::Test {
 protected:
  tls_server() : pki_(test_pki::make(root_.path(), "net")) {
    root_.write("www/index.html", "<!doctype html><title>CampusShield</title>");
    config::http_settings http;
    http.tls = {pki_.server_cert.string(), pki_.server_key.string()};
    server_ = std::make_unique<net::server>(io_, http, (root_.path() / "www").string(), state_,
                                            metrics_);
    auto bound = server_->start("127.0.0.1", 0);
    if (!bound) throw std::runtime_error(bound.error());
    port_ = bound->port();
    for (auto& t : runners_) t = std::thread([this] { io_.run(); });
  }

  ~tls_server() override {
    server_->stop();
    work_.reset();
    io_.stop();
    for (auto& t : runners_) t.join();
  }

  tcp::endpoint endpoint() const { return {asio::ip::make_address("127.0.0.1"), port_}; }

  // GET over HTTPS with Connection: close. `after` receives how the connection ended once the
  // response was read (end_of_stream when the server closed TLS properly with close_notify).
  http::response<http::string_body> https_get(const std::string& target,
                                              beast::error_code* after = nullptr) {
    asio::io_context io;
    auto ctx = client_context(pki_.ca_cert);
    beast::ssl_stream<beast::tcp_stream> stream(io, *ctx);
    beast::get_lowest_layer(stream).expires_after(30s);
    beast::get_lowest_layer(stream).connect(endpoint());
    stream.handshake(ssl::stream_base::client);
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(false);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    if (after) {
      http::response<http::string_body> more;
      http::read(stream, buffer, more, *after);
    }
    return res;
  }

  std::int64_t counter(const std::string& name) { return metrics_.get(name).value(); }

  // Waits for a condition the server reaches on its own thread; the test's timeout bounds it.
  static void wait_until(const std::function<bool()>& condition) {
    while (!condition()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  temp_dir root_;
  test_pki pki_;
  config::district district_ = sample_district();
  core::metrics metrics_;
  ingest::live_state state_{district_};
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  std::unique_ptr<net::server> server_;
  std::thread runners_[2];
  unsigned short port_ = 0;
};

TEST_F(tls_server, answers_https_for_a_client_that_trusts_the_ca_and_closes_with_close_notify) {
  EXPECT_TRUE(server_->secure());
  beast::error_code after;
  auto res = https_get("/healthz", &after);
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(json::parse(res.body()), (json::object{{"status", "ok"}}));
  // A truncated stream (stream_truncated) would mean the server cut TCP without close_notify,
  // and the client could not tell a complete response from a cut one.
  EXPECT_EQ(after, http::error::end_of_stream) << after.message();
  EXPECT_EQ(https_get("/").body(), "<!doctype html><title>CampusShield</title>");
  EXPECT_EQ(counter("campus_http_tls_handshake_failures_total"), 0);
}

TEST_F(tls_server, negotiates_tls_1_2_or_later) {
  asio::io_context io;
  auto ctx = client_context(pki_.ca_cert);
  beast::ssl_stream<beast::tcp_stream> stream(io, *ctx);
  beast::get_lowest_layer(stream).expires_after(30s);
  beast::get_lowest_layer(stream).connect(endpoint());
  stream.handshake(ssl::stream_base::client);
  EXPECT_GE(SSL_version(stream.native_handle()), TLS1_2_VERSION);
}

TEST_F(tls_server, refuses_a_client_limited_to_tls_1_1) {
  asio::io_context io;
  auto ctx = client_context(pki_.ca_cert);
  // Lower the client's own floor so that it really offers 1.1 (and only 1.1); then only the
  // server can be the one refusing.
  SSL_CTX_set_security_level(ctx->native_handle(), 0);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_1_VERSION);
  SSL_CTX_set_max_proto_version(ctx->native_handle(), TLS1_1_VERSION);
  beast::ssl_stream<beast::tcp_stream> stream(io, *ctx);
  beast::get_lowest_layer(stream).expires_after(30s);
  beast::get_lowest_layer(stream).connect(endpoint());
  beast::error_code ec;
  stream.handshake(ssl::stream_base::client, ec);
  // The server's alert, not a failure of the client's own making.
  EXPECT_NE(ec.message().find("alert protocol version"), std::string::npos) << ec.message();
  wait_until(
      [&] { return counter("campus_http_tls_handshake_failures_total") == 1; });
  EXPECT_EQ(https_get("/healthz").result(), http::status::ok);
}

TEST_F(tls_server, a_plain_http_request_fails_is_counted_and_the_server_keeps_serving) {
  {
    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(30s);
    stream.connect(endpoint());
    http::request<http::string_body> req{http::verb::get, "/healthz", 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(stream, buffer, res, ec);
    // No plain-text fallback: whatever comes back (a TLS alert, then the end) is not HTTP.
    EXPECT_TRUE(ec) << "a plain HTTP answer came from the TLS port: " << res.result_int();
  }
  wait_until(
      [&] { return counter("campus_http_tls_handshake_failures_total") == 1; });
  EXPECT_EQ(https_get("/healthz").result(), http::status::ok);
  EXPECT_EQ(counter("campus_http_tls_handshake_failures_total"), 1);
}

TEST_F(tls_server, wss_sends_the_snapshot_then_live_readings) {
  asio::io_context io;
  auto ctx = client_context(pki_.ca_cert);
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws(io, *ctx);
  beast::get_lowest_layer(ws).expires_after(30s);
  beast::get_lowest_layer(ws).connect(endpoint());
  ws.next_layer().handshake(ssl::stream_base::client);
  ws.handshake("127.0.0.1", "/ws");
  beast::flat_buffer buffer;
  ws.read(buffer);
  auto snapshot = json::parse(beast::buffers_to_string(buffer.data())).as_object();
  EXPECT_EQ(snapshot.at("type"), "snapshot");
  EXPECT_EQ(snapshot.at("devices").as_array().size(), 3u);
  EXPECT_EQ(server_->websocket_clients(), 1u);

  server_->sink().on_reading(gas_reading(7.5, 1763860002000));
  buffer.clear();
  ws.read(buffer);
  auto reading = json::parse(beast::buffers_to_string(buffer.data())).as_object();
  EXPECT_EQ(reading.at("type"), "reading");
  EXPECT_EQ(reading.at("reading").at("device"), "s1-gas");

  ws.close(websocket::close_code::normal);
  wait_until([&] { return server_->websocket_clients() == 0; });
}

// --- what make_tls_context refuses, before anything is bound -----------------------------

class tls_files : public ::testing::Test {
 protected:
  tls_files() : pki_(test_pki::make(root_.path(), "files")) {}
  config::http_tls_settings pair() const {
    return {pki_.server_cert.string(), pki_.server_key.string()};
  }
  temp_dir root_;
  test_pki pki_;
};

TEST_F(tls_files, a_matching_pair_valid_now_loads) {
  auto ctx = make_tls_context(pair());
  ASSERT_TRUE(ctx) << ctx.error();
  EXPECT_TRUE(*ctx);
}

TEST_F(tls_files, a_key_of_another_certificate_is_refused_naming_both_files) {
  auto settings = pair();
  settings.key_file = pki_.other_key.string();
  auto ctx = make_tls_context(settings);
  ASSERT_FALSE(ctx);
  EXPECT_NE(ctx.error().find("http.tls: the private key \"" + settings.key_file +
                             "\" does not match the certificate \"" + settings.cert_file + "\""),
            std::string::npos)
      << ctx.error();
}

TEST_F(tls_files, an_expired_or_not_yet_valid_certificate_is_refused) {
  // The certificate is valid for two days from now.
  auto later = make_tls_context(pair(), std::chrono::system_clock::now() + std::chrono::days(3));
  ASSERT_FALSE(later);
  EXPECT_NE(later.error().find("\" expired on "), std::string::npos) << later.error();
  auto earlier = make_tls_context(pair(), std::chrono::system_clock::now() - std::chrono::days(1));
  ASSERT_FALSE(earlier);
  EXPECT_NE(earlier.error().find("\" is not valid before "), std::string::npos) << earlier.error();
}

TEST_F(tls_files, files_that_are_not_what_they_claim_are_refused) {
  auto swapped = pair();
  std::swap(swapped.cert_file, swapped.key_file);
  auto ctx = make_tls_context(swapped);
  ASSERT_FALSE(ctx);
  EXPECT_NE(ctx.error().find("cannot load the certificate \"" + swapped.cert_file + "\""),
            std::string::npos)
      << ctx.error();

  auto missing = pair();
  missing.key_file = (root_.path() / "nowhere.key").string();
  ctx = make_tls_context(missing);
  ASSERT_FALSE(ctx);
  EXPECT_NE(ctx.error().find("cannot load the private key \"" + missing.key_file + "\""),
            std::string::npos)
      << ctx.error();
}

TEST_F(tls_files, the_server_does_not_start_with_a_mismatched_pair) {
  core::metrics metrics;
  config::district district = sample_district();
  ingest::live_state state(district);
  asio::io_context io;
  config::http_settings http;
  http.tls = {pki_.server_cert.string(), pki_.other_key.string()};
  net::server web(io, http, root_.path().string(), state, metrics);
  auto bound = web.start("127.0.0.1", 0);
  ASSERT_FALSE(bound);
  EXPECT_NE(bound.error().find("does not match the certificate"), std::string::npos)
      << bound.error();
}

}  // namespace
}  // namespace campus::net::test
