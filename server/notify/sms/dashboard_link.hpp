// Where a text message sends its reader: the dashboard's address, and one alert's page in it
// (`<address>#alert=A-000043`, which the dashboard opens after the login; dashboards/README.md).
//
// The address is `http.public_url` when the district sets it (a reverse proxy, a DNS name);
// otherwise the address the server serves once bound — scheme by TLS, the bound port (port 0,
// `--listen`, the demo's PORT) — so a link never names a port nobody listens on. Pure.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <string_view>

namespace campus::notify::sms {

struct dashboard_address {
  std::string url;  // ends in "/" when it has no path: "http://192.0.2.7:8080/"
  // Not empty: why the phones of the people texted may not open `url` (only this machine can:
  // localhost or a loopback address, with no public_url), for the server log.
  std::string caution;
};

// `public_url` as the loader checked it (config/public_url.hpp), or empty. Without it: `bound`
// with "https" when `tls`; an unspecified address (0.0.0.0, ::) becomes "localhost", an IPv6
// address goes in brackets.
dashboard_address address_for_links(std::string_view public_url, bool tls,
                                    const boost::asio::ip::tcp::endpoint& bound);

// "<dashboard>#alert=<ledger_id>".
std::string alert_link(std::string_view dashboard, std::string_view ledger_id);

}  // namespace campus::notify::sms
