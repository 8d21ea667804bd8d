// campus-bench runs once at a tiny size and every phase produces its figures: the ceiling, the
// server's throughput with nothing lost or rejected, latency samples at both loads, every
// dashboard client getting every probe alert, the bureau's routes and pages under load, memory
// of two servers, the InfluxDB history writer and a plain client both writing to a real influxd
// with nothing dropped. No figure is compared
// with a target here (that is the benchmark's job, not the test suite's).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace campus::test {
namespace {

struct figure {
  double value = 0;
  bool found = false;
};

class bench_rows {
 public:
  explicit bench_rows(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    root_ = boost::json::parse(text.str(), ec);
    parsed_ = !ec && root_.is_object();
  }
  bool parsed() const { return parsed_; }
  figure get(const std::string& phase, const std::string& name) const {
    for (const auto& r : root_.at("rows").as_array()) {
      const auto& o = r.as_object();
      if (o.at("phase").as_string() == phase && o.at("figure").as_string() == name)
        return {o.at("value").to_number<double>(), true};
    }
    return {};
  }
  int failed_phases() const {
    int n = 0;
    for (const auto& r : root_.at("rows").as_array())
      n += r.as_object().at("figure").as_string() == "phase failed";
    return n;
  }

 private:
  boost::json::value root_;
  bool parsed_ = false;
};

TEST(campus_bench, a_tiny_run_measures_every_phase) {
  temp_dir dir("campus-bench-test-");
  const auto json = dir / "bench.json";
  child_process bench({CAMPUS_BENCH_BINARY, "--devices", "50", "--duration", "2", "--clients", "3",
                       "--connections", "2", "--probes", "2", "--rss-devices", "50,120",
                       "--bureau-users", "2", "--bureau-clients", "2", "--bureau-interval", "1",
                       "--bureau-rate", "100", "--bureau-refresh", "3",
                       "--json", json.string(), "--work-dir", (dir / "run").string()},
                      dir / "campus-bench.log");
  const auto status = bench.wait_exit(std::chrono::minutes{8});
  ASSERT_TRUE(status.has_value()) << "campus-bench did not finish";
  EXPECT_EQ(*status, 0);

  bench_rows rows(json);
  ASSERT_TRUE(rows.parsed()) << json;
  EXPECT_EQ(rows.failed_phases(), 0);

  // The ceiling: the bare subscriber received something at both QoS levels.
  for (const char* q : {"bare subscriber, QoS 0", "bare subscriber, QoS 1"}) {
    auto f = rows.get("ceiling", q);
    EXPECT_TRUE(f.found) << q;
    EXPECT_GT(f.value, 0) << q;
  }
  // Throughput: processed by the server's own counters, nothing lost, nothing refused, and
  // the CPU per message computed from /proc.
  auto processed = rows.get("throughput", "processed, rules + sqlite history");
  EXPECT_TRUE(processed.found);
  EXPECT_GT(processed.value, 0);
  auto lost = rows.get("throughput", "lost (published − processed)");
  EXPECT_TRUE(lost.found);
  EXPECT_EQ(lost.value, 0);
  auto rejected = rows.get("throughput", "rejected");
  EXPECT_TRUE(rejected.found);
  EXPECT_EQ(rejected.value, 0);
  auto readings = rows.get("throughput", "readings accepted");
  EXPECT_GT(readings.value, 0);
  auto cpu = rows.get("throughput", "server CPU per message");
  EXPECT_TRUE(cpu.found);
  EXPECT_GT(cpu.value, 0);

  // Latency at both background loads: samples exist, every alert arrived.
  for (const char* phase : {"latency 20 %", "latency 80 %"}) {
    auto samples = rows.get(phase, "latency samples");
    EXPECT_GT(samples.value, 0) << phase;
    EXPECT_GT(rows.get(phase, "publish → alert p99").value, 0) << phase;
    auto missed = rows.get(phase, "missed alerts");
    EXPECT_TRUE(missed.found) << phase;
    EXPECT_EQ(missed.value, 0) << phase;
  }
  // Fan-out: all three clients connected, each got every probe alert.
  EXPECT_EQ(rows.get("fanout", "dashboard clients connected").value, 3);
  EXPECT_GT(rows.get("fanout", "latency samples").value, 0);
  EXPECT_EQ(rows.get("fanout", "missed deliveries").value, 0);
  EXPECT_TRUE(rows.get("fanout", "missed deliveries").found);

  // Bureau: 4 generated schools and the probe school; both pages connected; every overview,
  // compliance and report request answered; memory sampled; ingest measured in each step; no
  // background device judged offline.
  EXPECT_EQ(rows.get("bureau", "schools").value, 5);
  EXPECT_EQ(rows.get("bureau", "bureau pages connected (/ws)").value, 2);
  EXPECT_GT(rows.get("bureau", "/api/overview p50, refresh").value, 0);
  for (const char* route :
       {"/api/overview", "/api/compliance", "/api/compliance/daily", "/api/reports/monthly"})
    EXPECT_GT(rows.get("bureau", std::string(route) + " p50, hammer").value, 0) << route;
  for (const char* f : {"failed requests, refresh", "failed requests, hammer", "false offline alerts"}) {
    EXPECT_TRUE(rows.get("bureau", f).found) << f;
    EXPECT_EQ(rows.get("bureau", f).value, 0) << f;
  }
  EXPECT_GT(rows.get("bureau", "server RSS peak, refresh").value, 0);
  EXPECT_GT(rows.get("bureau", "server RSS peak, hammer").value, 0);
  for (const char* f : {"ingest, background only", "ingest, refresh", "ingest, hammer"})
    EXPECT_GT(rows.get("bureau", f).value, 0) << f;
  EXPECT_TRUE(rows.get("bureau", "messages per bureau page").found);

  // Memory of the two servers, each with every device heard.
  for (const char* f : {"resident memory, 50 devices heard", "resident memory, 120 devices heard"})
    EXPECT_GT(rows.get("rss", f).value, 0) << f;

  // History: the plain client and the server's writer both got points into InfluxDB, and the
  // writer lost none of what it was given.
  EXPECT_GT(rows.get("history", "plain client → InfluxDB").value, 0);
  EXPECT_GT(rows.get("history", "history writer → InfluxDB").value, 0);
  auto dropped = rows.get("history", "history writer dropped");
  EXPECT_TRUE(dropped.found);
  EXPECT_EQ(dropped.value, 0);
}

}  // namespace
}  // namespace campus::test
