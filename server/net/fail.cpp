#include "net/fail.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>

#include "core/log.hpp"

namespace campus::net {

namespace asio = boost::asio;
namespace beast = boost::beast;

void fail(beast::error_code ec, const char* what) {
  if (ec == asio::error::operation_aborted || ec == beast::websocket::error::closed) return;
  const bool ordinary = ec == asio::error::eof || ec == asio::error::connection_reset ||
                        ec == asio::error::broken_pipe || ec == beast::error::timeout ||
                        ec == beast::http::error::end_of_stream;
  core::log(ordinary ? core::log_level::debug : core::log_level::warn, "net: {}: {}", what,
            ec.message());
}

}  // namespace campus::net
