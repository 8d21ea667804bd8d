// How the network code reports a failed asynchronous operation: one line in the log, nothing
// for the expected ends of a connection (cancelled, closed, peer gone).
#pragma once

#include <boost/beast/core/error.hpp>

namespace campus::net {

// Logs `ec` with the name of the operation that failed. operation_aborted and a WebSocket
// close are silent; ordinary disconnects and timeouts are logged at debug level.
void fail(boost::beast::error_code ec, const char* what);

}  // namespace campus::net
