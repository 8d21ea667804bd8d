// The server side of HTTPS/WSS: an OpenSSL context made from http.tls, shared by every TLS
// session (OpenSSL's SSL_CTX is safe to use from many connections at once once set up).
//
//   auto tls = net::make_tls_context(district.http.tls);
//   if (!tls) { log(tls.error()); return 1; }   // e.g. the key does not match the certificate
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <expected>
#include <memory>
#include <string>

#include "config/district.hpp"

namespace campus::net {

// The stream of an HTTPS or WSS connection.
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// TLS 1.2 and later only (no SSLv2/3, TLS 1.0/1.1), OpenSSL's default cipher list, no TLS
// compression. Refused, with a message naming the file and what is wrong: a file that cannot be
// loaded, a key that does not match the certificate, a certificate that has expired or is not
// yet valid at `now`.
std::expected<std::shared_ptr<boost::asio::ssl::context>, std::string> make_tls_context(
    const config::http_tls_settings& tls,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace campus::net
