// A TCP port on 127.0.0.1 that nobody listens on right now.
#pragma once

namespace campus::test {

// Binds 127.0.0.1:0, reads the port the kernel chose, and closes the socket. Another process
// could take the port before the caller binds it; tests accept that small race because the
// port must be known before the child process (a broker, the server) starts.
int free_port();

// True when something accepts TCP connections on 127.0.0.1:port.
bool port_accepts(int port);

}  // namespace campus::test
