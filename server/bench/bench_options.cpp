#include "bench/bench_options.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace campus::bench {

const char* const usage_text =
    "usage: campus-bench [--devices N] [--duration S] [--rate MSGS_PER_S|max] [--qos 0|1]\n"
    "                    [--clients K] [--connections C] [--probes P] [--fanout-rate R]\n"
    "                    [--rss-devices N,N]\n"
    "                    [--bureau-users K] [--bureau-clients N] [--bureau-interval S]\n"
    "                    [--bureau-rate R] [--bureau-refresh S]\n"
    "                    [--phases ceiling,throughput,latency,fanout,bureau,rss,history,peer]\n"
    "                    [--history sqlite|influxdb] [--json FILE]\n"
    "                    [--peer node-red --peer-ws ws://127.0.0.1:PORT/alerts --peer-mqtt-port P]\n"
    "                    [--server-binary FILE] [--sample-config FILE] [--work-dir DIR] [--keep]\n";

bool bench_options::wants(const std::string& phase) const {
  return std::find(phases.begin(), phases.end(), phase) != phases.end();
}

namespace {

template <class T>
bool number(const std::string& s, T& out) {
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc{} && p == end;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

}  // namespace

std::expected<bench_options, std::string> parse_options(int argc, char** argv, bool& help) {
  bench_options o;
  help = false;
  auto bad = [](const std::string& what) {
    return std::unexpected(what + "\n" + usage_text);
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help = true;
      return std::unexpected(std::string(usage_text));
    }
    if (arg == "--keep") {
      o.keep = true;
      continue;
    }
    if (i + 1 >= argc) return bad(arg + " needs a value");
    const std::string v = argv[++i];
    bool ok = true;
    if (arg == "--devices") ok = number(v, o.devices) && o.devices >= 20;
    else if (arg == "--duration") ok = number(v, o.duration_s) && o.duration_s > 0;
    else if (arg == "--rate") ok = v == "max" ? (o.rate = 0, true) : number(v, o.rate) && o.rate >= 0;
    else if (arg == "--qos") ok = number(v, o.qos) && (o.qos == 0 || o.qos == 1);
    else if (arg == "--clients") ok = number(v, o.clients) && o.clients >= 1;
    else if (arg == "--connections") ok = number(v, o.connections) && o.connections >= 1;
    else if (arg == "--probes") ok = number(v, o.probes) && o.probes >= 1;
    else if (arg == "--fanout-rate") ok = number(v, o.fanout_rate) && o.fanout_rate >= 0;
    else if (arg == "--bureau-users") ok = number(v, o.bureau_users) && o.bureau_users >= 1;
    else if (arg == "--bureau-clients") ok = number(v, o.bureau_clients) && o.bureau_clients >= 1;
    else if (arg == "--bureau-interval") ok = number(v, o.bureau_interval_s) && o.bureau_interval_s > 0;
    else if (arg == "--bureau-rate") ok = number(v, o.bureau_rate) && o.bureau_rate > 0;
    else if (arg == "--bureau-refresh") ok = number(v, o.bureau_refresh_s) && o.bureau_refresh_s > 0;
    else if (arg == "--rss-devices") {
      o.rss_devices.clear();
      for (const auto& p : split(v)) {
        int n = 0;
        ok = ok && number(p, n) && n >= 20;
        o.rss_devices.push_back(n);
      }
    } else if (arg == "--phases") {
      o.phases = split(v);
      for (const auto& p : o.phases)
        ok = ok && (p == "ceiling" || p == "throughput" || p == "latency" || p == "fanout" ||
                    p == "bureau" || p == "rss" || p == "history" || p == "peer");
    } else if (arg == "--history") ok = (o.history = v) == "sqlite" || v == "influxdb";
    else if (arg == "--peer") ok = (o.peer = v) == "node-red";
    else if (arg == "--peer-ws") o.peer_ws = v;
    else if (arg == "--peer-mqtt-port") ok = number(v, o.peer_mqtt_port) && o.peer_mqtt_port > 0;
    else if (arg == "--json") o.json_file = v;
    else if (arg == "--server-binary") o.server_binary = v;
    else if (arg == "--sample-config") o.sample_config = v;
    else if (arg == "--work-dir") o.work_dir = v;
    else return bad("unknown argument \"" + arg + "\"");
    if (!ok) return bad("bad value \"" + v + "\" for " + arg);
  }
  if (!o.peer.empty() && !o.wants("peer")) o.phases.push_back("peer");
  if (o.wants("peer") && (o.peer_ws.empty() || o.peer_mqtt_port == 0))
    return bad("the peer phase needs --peer node-red --peer-ws URL --peer-mqtt-port P");
  return o;
}

}  // namespace campus::bench
