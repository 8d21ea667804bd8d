// campus::mqtt::mqtt_client against a real Mosquitto broker on a free port.
#include "mqtt/mqtt_client.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <charconv>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "core/readiness.hpp"
#include "support/mosquitto_broker.hpp"
#include "support/test_publisher.hpp"
#include "support/wait_until.hpp"

namespace campus::mqtt {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::mosquitto_broker;
using test::test_publisher;
using test::wait_until;

constexpr std::string_view probe_topic = "campus/test/probe";

// The server's loop: one io_context run by its own thread. Declared after everything the
// message handlers touch, so it is stopped and joined before those die.
class io_thread {
 public:
  io_thread() : thread_([this] { io_.run(); }) {}
  ~io_thread() {
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  asio::io_context& io() { return io_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_ = asio::make_work_guard(io_);
  std::thread thread_;
};

// What a client's handler received. Probes (subscription checks) are only counted.
class inbox {
 public:
  mqtt_client::message_handler handler() {
    return [this](std::string_view topic, std::string_view payload) {
      if (topic == probe_topic) {
        ++probes_;
        return;
      }
      std::lock_guard lock(mutex_);
      messages_.emplace_back(std::string(topic), std::string(payload));
    };
  }
  int probes() const { return probes_; }
  std::vector<std::pair<std::string, std::string>> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> messages_;
  std::atomic<int> probes_{0};
};

config::mqtt_settings settings_for(int port, std::string client_id = "campus-test-client") {
  config::mqtt_settings s;
  s.host = "127.0.0.1";
  s.port = port;
  s.client_id = std::move(client_id);
  s.subscription = "campus/#";
  s.qos = 1;
  s.keepalive_s = 10;
  s.clean_session = false;
  return s;
}

// connected() turns true at CONNACK, but our SUBSCRIBE may reach the broker after a
// publisher's next message. Probes until one comes back: then the subscription is in place.
bool wait_subscribed(test_publisher& pub, const inbox& in) {
  int before = in.probes();
  return wait_until(
      [&] {
        pub.publish(probe_topic, "probe", 0);
        return in.probes() > before;
      },
      20s, 50ms);
}

std::int64_t metric(core::metrics& m, const std::string& name) { return m.get(name).value(); }

TEST(mqtt_client, receives_subscribed_messages_intact) {
  mosquitto_broker broker;
  core::metrics metrics;
  inbox in;
  io_thread loop;
  mqtt_client client(loop.io(), settings_for(broker.port()), in.handler(), metrics);
  client.start();

  ASSERT_TRUE(wait_until([&] { return client.connected(); })) << broker.log_tail();
  EXPECT_EQ(metric(metrics, "campus_mqtt_connected"), 1);
  test_publisher pub(broker.port());
  ASSERT_TRUE(wait_subscribed(pub, in));

  // Outside the subscription: must not arrive. Sent first, so that by the time the second
  // message (same publisher, ordered) arrives it would have.
  pub.publish("other/site-1/gas-1/telemetry", "{}", 1);
  const std::string topic = "campus/site-1/kitchen-gas-7/telemetry";
  const std::string payload("{\"ch4\":12.5,\"zone\":\"厨房\"}\0tail\xff", 35);
  pub.publish(topic, payload, 1);

  ASSERT_TRUE(wait_until([&] { return in.size() >= 1; }));
  auto got = in.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, topic);
  EXPECT_EQ(got[0].second, payload);  // embedded NUL and non-UTF-8 byte survive
  EXPECT_GE(metric(metrics, "campus_mqtt_messages_total"), 2);  // the probe(s) and the message
  EXPECT_NE(metrics.render().find("# TYPE campus_mqtt_messages_total counter"), std::string::npos);
}

// Backpressure: paused, the client takes no more messages than the broker's in-flight window
// and its keepalive reads let through (32 every half keepalive), and the session survives
// several keepalive periods; resumed, it gets every message, in order, none twice.
TEST(mqtt_client, paused_reading_leaves_messages_at_the_broker_and_keeps_the_session) {
  mosquitto_broker broker;
  core::metrics metrics;
  inbox in;
  io_thread loop;
  auto settings = settings_for(broker.port());
  settings.keepalive_s = 5;  // the shortest allowed: a broker drops a silent client after 7.5 s
  mqtt_client client(loop.io(), settings, in.handler(), metrics);
  client.start();
  ASSERT_TRUE(wait_until([&] { return client.connected(); })) << broker.log_tail();
  test_publisher pub(broker.port());
  ASSERT_TRUE(wait_subscribed(pub, in));

  client.pause_reading();
  EXPECT_TRUE(client.reading_paused());
  constexpr int published = 500;
  for (int i = 0; i < published; ++i)
    pub.publish_nowait("campus/site-1/gas-1/telemetry", std::to_string(i), 1);
  ASSERT_TRUE(pub.wait_all_acked(30s));
  // Two and a half keepalive periods pass paused (a wait for time to pass, not a timing check).
  std::this_thread::sleep_for(12500ms);
  const auto taken = in.size();
  EXPECT_LE(taken, 20u + 32u * 7u);
  EXPECT_LT(taken, static_cast<std::size_t>(published)) << "nothing waited at the broker";
  EXPECT_TRUE(client.connected()) << broker.log_tail();

  client.resume_reading();
  ASSERT_TRUE(wait_until([&] { return in.size() >= static_cast<std::size_t>(published); }));
  const auto got = in.messages();
  ASSERT_EQ(got.size(), static_cast<std::size_t>(published));
  for (int i = 0; i < published; ++i) EXPECT_EQ(got[i].second, std::to_string(i));
  EXPECT_EQ(metric(metrics, "campus_mqtt_reconnects_total"), 0);
}

TEST(mqtt_client, reconnects_after_broker_restart_on_same_port) {
  mosquitto_broker broker;
  core::metrics metrics;
  inbox in;
  io_thread loop;
  mqtt_client client(loop.io(), settings_for(broker.port()), in.handler(), metrics);
  client.start();
  ASSERT_TRUE(wait_until([&] { return client.connected(); })) << broker.log_tail();

  broker.stop();
  ASSERT_TRUE(wait_until([&] { return !client.connected(); }));
  EXPECT_EQ(metric(metrics, "campus_mqtt_connected"), 0);

  broker.start();  // same port; no persistence, so the client must subscribe again
  ASSERT_TRUE(wait_until([&] { return client.connected(); }, 40s)) << broker.log_tail();
  EXPECT_GE(metric(metrics, "campus_mqtt_reconnects_total"), 1);
  test_publisher pub(broker.port());
  ASSERT_TRUE(wait_subscribed(pub, in));
  pub.publish("campus/site-2/door-1/event", "after restart", 1);
  ASSERT_TRUE(wait_until([&] { return in.size() >= 1; }));
  EXPECT_EQ(in.messages().at(0).second, "after restart");
}

// Readiness: the part "broker" from start() until the first CONNACK and from a lost connection
// until the next, naming the broker, when the streak began and libmosquitto's error.
TEST(mqtt_client, reports_the_broker_not_ready_while_not_connected) {
  mosquitto_broker broker;
  broker.stop();  // the server starts before the broker
  core::metrics metrics;
  core::system_clock clock;
  core::readiness readiness(clock, metrics);
  inbox in;
  io_thread loop;
  mqtt_client client(loop.io(), settings_for(broker.port()), in.handler(), metrics);
  client.set_readiness(&readiness);
  const std::string prefix =
      "not connected to the broker at 127.0.0.1:" + std::to_string(broker.port()) + " since ";
  auto reason = [&] {
    for (const auto& p : readiness.problems())
      if (p.part == "broker") return p.reason;
    return std::string();
  };
  client.start();
  ASSERT_FALSE(readiness.ready()) << "ready before the first connection";
  EXPECT_TRUE(reason().starts_with(prefix)) << reason();
  // The first attempt fails: its error replaces "under way".
  ASSERT_TRUE(wait_until([&] { return reason().find("under way") == std::string::npos; }))
      << reason();
  EXPECT_TRUE(reason().starts_with(prefix)) << reason();
  EXPECT_NE(reason().find(" UTC: "), std::string::npos) << reason();

  broker.start();
  ASSERT_TRUE(wait_until([&] { return readiness.ready(); })) << reason();
  EXPECT_TRUE(client.connected());

  broker.kill();  // kill -9: the connection is lost, not closed
  ASSERT_TRUE(wait_until([&] { return !readiness.ready(); }));
  EXPECT_TRUE(reason().starts_with(prefix)) << reason();
  broker.start();
  ASSERT_TRUE(wait_until([&] { return readiness.ready(); })) << reason();
}

// --- Burst: many QoS 1 messages while the handler is slow ------------------------------

constexpr int burst_publishers = 4;
constexpr int burst_per_publisher = 5000;
constexpr int burst_slow_messages = 5000;  // the handler busy-works on the first ones
constexpr auto burst_slow_work = std::chrono::microseconds{50};

struct burst_result {
  std::array<std::vector<int>, burst_publishers> seen;  // times each sequence number arrived
  int markers = 0;       // "end" messages received, one per publisher
  bool all_acked = true; // every publish acknowledged by the broker
  int missing() const {
    int n = 0;
    for (const auto& v : seen)
      for (int c : v) n += c == 0;
    return n;
  }
  int duplicated() const {
    int n = 0;
    for (const auto& v : seen)
      for (int c : v) n += c > 1;
    return n;
  }
};

// Publishes burst_per_publisher messages "<k> <seq>" from each of burst_publishers threads as
// fast as libmosquitto's in-flight window allows, then an "<k> end" marker. A publisher's
// messages reach a subscriber in order, so once every marker is in, nothing more is coming.
burst_result run_burst(mosquitto_broker::options broker_options,
                       std::chrono::seconds marker_wait = std::chrono::seconds{120}) {
  mosquitto_broker broker(std::move(broker_options));
  core::metrics metrics;
  burst_result result;
  for (auto& v : result.seen) v.assign(burst_per_publisher, 0);
  std::mutex mutex;
  std::atomic<int> markers{0};
  std::atomic<int> handled{0};
  auto handler = [&](std::string_view topic, std::string_view payload) {
    if (topic == probe_topic) return;
    if (handled++ < burst_slow_messages) {
      auto until = std::chrono::steady_clock::now() + burst_slow_work;
      while (std::chrono::steady_clock::now() < until) {
      }
    }
    int k = -1, seq = -1;
    auto sp = payload.find(' ');
    std::from_chars(payload.data(), payload.data() + sp, k);
    if (k < 0 || k >= burst_publishers) return;
    std::lock_guard lock(mutex);
    if (payload.substr(sp + 1) == "end") {
      ++markers;
      return;
    }
    std::from_chars(payload.data() + sp + 1, payload.data() + payload.size(), seq);
    if (seq >= 0 && seq < burst_per_publisher) ++result.seen[k][seq];
  };

  io_thread loop;
  mqtt_client client(loop.io(), settings_for(broker.port(), "campus-test-burst"), handler, metrics);
  client.start();
  {
    test_publisher probe(broker.port());
    // The handler above drops probes, so wait for the subscription by watching the counter.
    auto before = metrics.get("campus_mqtt_messages_total").value();
    if (!wait_until(
            [&] {
              probe.publish(probe_topic, "probe", 0);
              return metrics.get("campus_mqtt_messages_total").value() > before;
            },
            20s, 50ms)) {
      ADD_FAILURE() << "client never subscribed\n" << broker.log_tail();
      return result;
    }
  }

  std::vector<std::thread> publishers;
  std::atomic<bool> all_acked{true};
  for (int k = 0; k < burst_publishers; ++k) {
    publishers.emplace_back([&, k] {
      test_publisher pub(broker.port());
      std::string topic = "campus/test/burst/" + std::to_string(k);
      for (int seq = 0; seq < burst_per_publisher; ++seq)
        pub.publish_nowait(topic, std::to_string(k) + " " + std::to_string(seq), 1);
      if (!pub.wait_all_acked(120s)) all_acked = false;
      pub.publish(topic, std::to_string(k) + " end", 1);
    });
  }
  for (auto& t : publishers) t.join();
  result.all_acked = all_acked;
  wait_until([&] { return markers == burst_publishers; }, marker_wait, 20ms);
  std::lock_guard lock(mutex);
  result.markers = markers;
  return result;  // `loop` stops before `result`'s copy is touched by anyone else
}

TEST(mqtt_client, burst_of_qos1_messages_arrives_exactly_once_despite_slow_handler) {
  burst_result r = run_burst({});  // the harness broker: max_queued_messages 1000000
  EXPECT_TRUE(r.all_acked);
  ASSERT_EQ(r.markers, burst_publishers);
  EXPECT_EQ(r.missing(), 0);
  EXPECT_EQ(r.duplicated(), 0);
}

// Experiment, not a regression test (run with --gtest_also_run_disabled_tests): the same burst
// against Mosquitto's default max_queued_messages 1000. The broker accepts (PUBACKs) every
// message and then silently drops those beyond the subscriber's queue.
// Measured on the 2-core development machine with mosquitto 2.0.11, three runs: 11,505,
// 16,190 and 12,710 of the 20,000 messages lost (58-81 %), every one PUBACKed to its publisher,
// and 1-2 of the 4 end markers lost too. The same burst with the harness settings loses none.
TEST(mqtt_client, DISABLED_experiment_default_queue_limit_drops_messages) {
  mosquitto_broker::options defaults;
  defaults.max_queued_messages = 1000;
  defaults.max_queued_bytes = 0;
  burst_result r = run_burst(defaults, std::chrono::seconds{15});  // markers may be lost too
  std::cout << "acked by broker: " << (r.all_acked ? "all" : "not all") << "; markers "
            << r.markers << "/" << burst_publishers << "; missing " << r.missing() << " of "
            << burst_publishers * burst_per_publisher << "; duplicated " << r.duplicated()
            << "\n";
  RecordProperty("missing", r.missing());
}

TEST(mqtt_client, persistent_session_delivers_messages_published_while_away) {
  mosquitto_broker broker;
  core::metrics metrics_a, metrics_b;
  inbox first, second;
  io_thread loop;
  const auto settings = settings_for(broker.port(), "campus-test-persistent");
  test_publisher pub(broker.port());

  mqtt_client a(loop.io(), settings, first.handler(), metrics_a);
  a.start();
  ASSERT_TRUE(wait_until([&] { return a.connected(); })) << broker.log_tail();
  ASSERT_TRUE(wait_subscribed(pub, first));
  a.stop();
  ASSERT_TRUE(wait_until([&] { return !a.connected(); }));

  constexpr int away = 100;
  for (int i = 0; i < away; ++i) pub.publish("campus/site-3/pond-beacon/telemetry", std::to_string(i), 1);

  mqtt_client b(loop.io(), settings, second.handler(), metrics_b);
  b.start();
  ASSERT_TRUE(wait_until([&] { return second.size() >= away; })) << broker.log_tail();
  std::vector<int> seen(away, 0);
  for (const auto& [topic, payload] : second.messages()) {
    int i = -1;
    std::from_chars(payload.data(), payload.data() + payload.size(), i);
    ASSERT_TRUE(i >= 0 && i < away) << payload;
    ++seen[i];
  }
  for (int i = 0; i < away; ++i) EXPECT_GE(seen[i], 1) << "message " << i << " lost";
  EXPECT_EQ(first.size(), 0u);  // nothing reached the stopped client
}

}  // namespace
}  // namespace campus::mqtt
