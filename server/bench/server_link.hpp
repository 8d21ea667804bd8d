// Plain HTTP/1.1 to a loopback server (campus-shield's API and /metrics, influxd's /ping),
// synchronous: campus-bench calls it between phases and a few times a second during one,
// never on a path being timed.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace campus::bench {

struct http_answer {
  int status = 0;
  std::string body;
};

// One request on its own connection; nullopt when the server cannot be reached. `source`: a
// loopback address to connect from (e.g. "127.0.2.1"), so the server's per-address limits
// see several clients; empty: the system's choice.
std::optional<http_answer> http_request(int port, const std::string& method,
                                        const std::string& target, const std::string& body = {},
                                        const std::string& token = {},
                                        const std::string& source = {});

// POST /api/login; the session token, or nullopt.
std::optional<std::string> log_in(int port, const std::string& user, const std::string& password);

// Every sample of /metrics, by series as written ("campus_readings_total",
// "campus_messages_rejected_total{reason=\"oversized\"}"); empty when unreachable.
std::map<std::string, double> read_metrics(int port);

// The sum of every series of `name` (all label sets); 0 when absent.
double metric_sum(const std::map<std::string, double>& metrics, const std::string& name);

}  // namespace campus::bench
