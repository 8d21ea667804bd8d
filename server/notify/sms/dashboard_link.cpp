#include "notify/sms/dashboard_link.hpp"

#include <fmt/format.h>

namespace campus::notify::sms {

dashboard_address address_for_links(std::string_view public_url, bool tls,
                                    const boost::asio::ip::tcp::endpoint& bound) {
  if (!public_url.empty()) return {std::string(public_url), {}};
  const auto address = bound.address();
  std::string host;
  if (address.is_unspecified())
    host = "localhost";  // every address: the one name sure to reach it from this machine
  else if (address.is_v6())
    host = "[" + address.to_string() + "]";
  else
    host = address.to_string();
  dashboard_address out{fmt::format("{}://{}:{}/", tls ? "https" : "http", host, bound.port()), {}};
  if (address.is_unspecified() || address.is_loopback()) {
    out.caution = fmt::format(
        "only this machine opens it ({}); set http.public_url to the address phones reach",
        address.is_unspecified() ? "the server listens on every address" : "a loopback address");
  }
  return out;
}

std::string alert_link(std::string_view dashboard, std::string_view ledger_id) {
  return fmt::format("{}#alert={}", dashboard, ledger_id);
}

}  // namespace campus::notify::sms
