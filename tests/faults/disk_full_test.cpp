// A full data disk while a red gas alarm fires (docs/reliability.md, "Disk full"). The data
// directory is a small tmpfs mounted by the test; it is filled to the last byte, a leak is
// published, and then space is given back. What must hold, counted:
//   - the alarm is on the dashboard at once, marked not yet recorded (provisional P- id);
//   - the duty leader is texted at once (the SMS gateway is not on the data disk);
//   - /readyz answers 503 naming the ledger while the disk is full, 200 after;
//   - the duty leader can log in meanwhile (the session kept in memory);
//   - once space returns the ledger records it by itself: the recorded entry replaces the
//     provisional one on the dashboard, the text already sent is written to it, and nobody is
//     texted twice;
//   - the engine treats the recorded alert as its own: a clearing reading clears it.
// Mounting needs root (or CAP_SYS_ADMIN); without it the case is skipped, saying so.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <sys/mount.h>

#include <atomic>
#include <cerrno>
#include <thread>
#include <cstring>
#include <fstream>
#include <sstream>

#include "campus_server.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/temp_dir.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"
#include "ws_client.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr const char* gas_topic = "campus/xh-primary/kitchen/xh-kitchen-gas-1/telemetry";

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("sample config has no " + from);
  return text.replace(at, from.size(), to);
}

// The sample district, with its SMS log outside the data directory (a text gateway does not
// live on the data disk) and the gas rule's clear hold shortened to 1 s.
std::filesystem::path write_config(const temp_dir& dir) {
  std::ifstream in(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  yaml = replace_once(yaml, "dashboards: ../dashboards",
                      "dashboards: " + std::string(CAMPUS_SOURCE_DIR) + "/dashboards");
  yaml = replace_once(yaml, "  gateway: log\n",
                      "  gateway: log\n  log: {file: " + (dir.path() / "sms.log").string() + "}\n");
  if (yaml.find("clear_after: 30s") != std::string::npos) {
    yaml = replace_once(yaml, "clear_after: 30s", "clear_after: 1s");
  }
  auto path = dir.path() / "district.yaml";
  std::ofstream(path) << yaml;
  return path;
}

std::vector<std::string> lines_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Keeps the disk full: zeros are appended to `file` until the file system refuses, and again
// whenever something frees space (the server deletes files too), until stopped.
class disk_filler {
 public:
  explicit disk_filler(std::filesystem::path file) : file_(std::move(file)) {
    top_up();
    thread_ = std::thread([this] {
      while (!stop_) {
        top_up();
        std::this_thread::sleep_for(1ms);
      }
    });
  }
  ~disk_filler() { release(); }
  // Gives the space back.
  void release() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    std::error_code ec;
    std::filesystem::remove(file_, ec);
  }

 private:
  void top_up() {
    std::FILE* f = std::fopen(file_.c_str(), "ab");
    if (!f) return;
    std::setvbuf(f, nullptr, _IONBF, 0);
    static const std::vector<char> block(64 * 1024, 0);
    while (std::fwrite(block.data(), 1, block.size(), f) == block.size()) {
    }
    while (std::fputc(0, f) != EOF) {
    }
    std::fclose(f);
  }

  std::filesystem::path file_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Polls /readyz every 50 ms on a thread and counts the answers that are 503 naming `part`.
class readiness_watch {
 public:
  readiness_watch(int port, std::string part) : needle_("\"" + std::move(part) + "\"") {
    thread_ = std::thread([this, port] {
      while (!stop_) {
        if (auto r = http_get(port, "/readyz");
            r && r->status == 503 && r->body.find(needle_) != std::string::npos) {
          ++seen_;
        }
        std::this_thread::sleep_for(50ms);
      }
    });
  }
  ~readiness_watch() { stop(); }
  // Stops polling; how many answers named the part.
  int stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return seen_;
  }

 private:
  std::string needle_;
  std::atomic<bool> stop_{false};
  std::atomic<int> seen_{0};
  std::thread thread_;
};

class disk_full : public testing::Test {
 protected:
  void SetUp() override {
    data_ = dir_.path() / "data";
    std::filesystem::create_directories(data_);
    if (::mount("tmpfs", data_.c_str(), "tmpfs", 0, "size=24m,mode=0700") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs for the data directory (" << std::strerror(errno)
                   << "): this fault needs root or CAP_SYS_ADMIN";
    }
    mounted_ = true;
    config_ = write_config(dir_);
  }
  void TearDown() override {
    if (server_) server_->stop(10s);
    server_.reset();
    if (mounted_) ::umount2(data_.c_str(), MNT_DETACH);
  }

  // The first alert message for which `done(message, alert)` holds, within `timeout` (the
  // client's connection is given up after a timeout: one wait per expectation).
  template <class Done>
  std::optional<json::object> next_alert(ws_client& ws, Done done, std::chrono::milliseconds timeout) {
    auto m = ws.wait_for(
        [&](const json::value& v) {
          if (!v.is_object()) return false;
          const auto& o = v.as_object();
          return o.at("type").as_string() == "alert" && done(o, o.at("alert").as_object());
        },
        timeout);
    if (!m) return std::nullopt;
    return m->as_object().at("alert").as_object();
  }

  temp_dir dir_;
  std::filesystem::path data_;
  bool mounted_ = false;
  mosquitto_broker broker_;
  std::filesystem::path config_;
  std::unique_ptr<campus_server> server_;
};

TEST_F(disk_full, a_red_alarm_on_a_full_disk_is_announced_texted_and_recorded_when_space_returns) {
  server_ = std::make_unique<campus_server>(
      config_, broker_.port(), dir_.path(),
      std::vector<test_user>{campus_server::admin(),
                             {"wangfang", "duty_leader", {"xh-primary"}, "王芳"}});
  ASSERT_TRUE(server_->wait_until_connected());
  ws_client ws;
  ASSERT_TRUE(server_->connect(ws));
  ASSERT_TRUE(ws.next(5s));  // the snapshot
  ASSERT_EQ(server_->get("/readyz")->status, 200) << server_->get("/readyz")->body;
  const auto texts_before = lines_of(dir_.path() / "sms.log").size();

  // /readyz, watched from before the fault: the ledger's problem may last only until the first
  // retry (a second later) finds room (SQLite reuses the pages its failed write had taken).
  readiness_watch watch(server_->port(), "ledger");
  disk_filler full(data_ / "filler");
  test_publisher pub(broker_.port());
  const auto published = std::chrono::steady_clock::now();
  pub.publish(gas_topic, R"({"lel_pct":40})");

  // On screen at once, provisional.
  auto provisional = next_alert(
      ws, [](const json::object& m, const json::object& a) {
        return m.at("event").as_string() == "raised" && a.at("severity").as_string() == "red";
      },
      20s);
  ASSERT_TRUE(provisional) << "the alarm never reached the dashboard while the disk was full";
  const auto on_screen = std::chrono::steady_clock::now() - published;
  EXPECT_FALSE(provisional->at("recorded").as_bool())
      << "the ledger recorded an alarm on a full disk: the fault was not injected";
  const auto provisional_id = provisional->at("id").as_int64();
  EXPECT_LT(provisional_id, 0);
  EXPECT_EQ(std::string(provisional->at("display_id").as_string()).substr(0, 2), "P-");
  std::cout << "time to screen on a full disk: "
            << std::chrono::duration_cast<std::chrono::milliseconds>(on_screen).count() << " ms\n";

  // Texted at once, saying it is not recorded yet.
  ASSERT_TRUE(wait_until([&] { return lines_of(dir_.path() / "sms.log").size() > texts_before; },
                         20s))
      << "nobody was texted while the disk was full";
  // The first step texts several people at once: wait until the log stops growing (a second
  // without a new line, bounded) before counting what went out while the disk was full.
  auto texts = lines_of(dir_.path() / "sms.log");
  for (int quiet = 0, rounds = 0; quiet < 10 && rounds < 100; ++rounds) {
    std::this_thread::sleep_for(100ms);
    auto now = lines_of(dir_.path() / "sms.log");
    quiet = now.size() == texts.size() ? quiet + 1 : 0;
    texts = std::move(now);
  }
  EXPECT_NE(texts.back().find("台账暂未记录"), std::string::npos) << texts.back();
  const auto texts_while_full = texts.size();

  // The duty leader the text woke can log in: users.db cannot store the session on this disk,
  // so it is kept in memory (and written once there is room).
  const auto token = server_->token("wangfang");
  EXPECT_FALSE(token.empty()) << "no login while the disk is full";
  if (!token.empty()) {
    const auto open = server_->get("/api/alerts?state=open", "wangfang");
    ASSERT_TRUE(open);
    EXPECT_EQ(open->status, 200) << open->body;
  }

  // Not ready while anything was held, naming the ledger; /healthz still answers (the
  // process lives) and says not_ready (the journal cannot write either, on this disk).
  auto health = server_->get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_NE(health->body.find("not_ready"), std::string::npos) << health->body;
  EXPECT_GE(server_->metric("campus_incident_ledger_failures_total"), 1);

  // Space returns: recorded by itself, in the provisional entry's place.
  full.release();
  // Recorded by a retry, in the provisional entry's place: while the disk is still full (a
  // retry found room) or once space returns.
  auto recorded = next_alert(
      ws, [&](const json::object&, const json::object& a) {
        return a.at("recorded").as_bool() && a.at("replaces").is_int64() &&
               a.at("replaces").as_int64() == provisional_id;
      },
      30s);
  ASSERT_TRUE(recorded) << "the held alarm was never recorded after space returned"
                        << (ws.closed() ? " (the WebSocket was closed)" : "");
  const auto id = recorded->at("id").as_int64();
  EXPECT_GT(id, 0);
  EXPECT_EQ(recorded->at("severity").as_string(), "red");
  EXPECT_GT(watch.stop(), 0) << "/readyz never named the ledger while it could not record";

  // The ledger has it, with the text that went out while it was provisional.
  const auto detail_target = "/api/alerts/" + std::to_string(id);
  ASSERT_TRUE(wait_until(
      [&] {
        auto d = server_->get(detail_target);
        return d && d->status == 200 && d->body.find("notified") != std::string::npos;
      },
      10s, 100ms))
      << server_->get(detail_target)->body;
  auto open = server_->get("/api/alerts?state=open");
  ASSERT_TRUE(open);
  const auto listed = json::parse(open->body).as_object();
  int red_gas = 0;
  for (const auto& e : listed.at("alerts").as_array()) {
    const auto& o = e.as_object();
    if (o.at("device").as_string() == "xh-kitchen-gas-1") ++red_gas;
  }
  EXPECT_EQ(red_gas, 1) << "one leak, one entry: " << open->body;
  // Recording it texted nobody again.
  std::this_thread::sleep_for(2s);
  const auto texts_after = lines_of(dir_.path() / "sms.log");
  EXPECT_EQ(texts_after.size(), texts_while_full) << [&] {
    std::string all;
    for (const auto& t : texts_after) all += t + "\n";
    return all;
  }();

  // The engine clears what the ledger recorded late.
  pub.publish(gas_topic, R"({"lel_pct":1})");
  auto cleared = next_alert(
      ws, [&](const json::object&, const json::object& a) {
        return a.at("id").as_int64() == id && a.at("condition").as_string() == "cleared";
      },
      20s);
  EXPECT_TRUE(cleared) << "the late-recorded alert never cleared";
  // Ready again: the ledger records, and the journal wrote the last message.
  EXPECT_TRUE(wait_until([&] { return server_->get("/readyz")->status == 200; }, 10s, 100ms))
      << server_->get("/readyz")->body;
}

}  // namespace
}  // namespace campus::test
