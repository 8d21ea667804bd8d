// Clients subscribe to what they show (docs/alerts.md, "/ws"): a client of few devices watches
// all its schools from the start; one of a large district watches none until it asks, then gets
// the devices of the schools asked for and from then on only their readings. School summaries
// go to every client that may see the school, coalesced per school; a slow page is sent less,
// never closed for readings or summaries.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "server_fixture.hpp"

namespace campus::net::test {
namespace {

bureau::school_tally tally(std::string site, int open) {
  bureau::school_tally t;
  t.site = std::move(site);
  t.devices_total = 50;
  t.devices_online = 50;
  t.open = open;
  return t;
}

core::reading reading_of(const std::string& site, const std::string& device, double value,
                         std::string subject = {}) {
  return {site, "kitchen", device, "lel_pct", std::move(subject), value, "%LEL",
          core::from_epoch_ms(1763860000000)};
}

std::vector<std::string> ids(const json::value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.as_array()) out.emplace_back(v.as_string());
  return out;
}

class watch_small : public server_fixture {};

TEST_F(watch_small, a_client_of_few_devices_watches_every_school_and_may_narrow_it) {
  ws_client client(port_);
  auto snapshot = client.read();
  ASSERT_EQ(snapshot.at("type"), "snapshot");
  EXPECT_EQ(ids(snapshot.at("watching")), (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(snapshot.at("devices").as_array().size(), 3u);

  // Unknown ids and non-strings are ignored and counted; duplicates taken once.
  client.write(R"({"type":"watch","sites":["s2","nope",42,"s2"]})");
  auto answer = client.read();
  ASSERT_EQ(answer.at("type"), "watching");
  EXPECT_EQ(ids(answer.at("sites")), (std::vector<std::string>{"s2"}));
  ASSERT_EQ(answer.at("devices").as_array().size(), 1u);
  EXPECT_EQ(answer.at("devices").at(0).at("id"), "s2-beacon");
  EXPECT_EQ(counter("campus_ws_watch_ignored_total"), 2);

  // s1's reading is not sent; s2's is.
  server_->sink().on_reading(gas_reading(7));
  server_->sink().on_reading(reading_of("s2", "s2-beacon", 3));
  auto m = client.read();
  ASSERT_EQ(m.at("type"), "reading");
  EXPECT_EQ(m.at("reading").at("device"), "s2-beacon");

  // Summaries and alerts of a school not watched still come.
  server_->on_schools({tally("s1", 2), tally("s2", 0)});
  m = client.read();
  ASSERT_EQ(m.at("type"), "school");
  EXPECT_EQ(m.at("school").at("site"), "s1");
  EXPECT_EQ(m.at("school").at("open"), 2);
  EXPECT_EQ(client.read().at("school").at("site"), "s2");
  server_->sink().on_alert(gas_alert("a1", rules::alert_event::kind::raised));
  EXPECT_EQ(client.read().at("alert").at("id"), "a1");

  // Anything but a watch is ignored; the feed goes on.
  client.write("not json");
  client.write(R"({"type":"hello"})");
  server_->sink().on_reading(reading_of("s2", "s2-beacon", 4));
  EXPECT_EQ(client.read().at("reading").at("value"), 4);
}

// 12 schools of 50 devices: 600, more than one client may watch.
config::district large_district() {
  config::district d;
  d.id = "big";
  d.name = "大区";
  d.name_en = "Big district";
  for (int s = 1; s <= 12; ++s) {
    const std::string site = "school-" + std::to_string(s);
    d.sites.push_back({site, "学校" + std::to_string(s), "School " + std::to_string(s),
                       "Asia/Shanghai", {{"kitchen", "canteen_kitchen", "食堂后厨", "Kitchen"}}});
    for (int i = 1; i <= 50; ++i) {
      d.devices.push_back({site + "-gas-" + std::to_string(i), site, "kitchen", "gas_detector",
                           "燃气", "Gas", {}});
    }
  }
  return d;
}

class watch_large : public server_fixture {
 protected:
  watch_large() : server_fixture(1024, large_district()) {}
};

TEST_F(watch_large, a_client_of_a_large_district_starts_without_devices_and_watches_within_limits) {
  server_->set_school_tallies([] {
    std::vector<bureau::school_tally> all;
    for (int s = 1; s <= 12; ++s) all.push_back(tally("school-" + std::to_string(s), s % 3));
    return all;
  });
  ws_client client(port_);
  auto snapshot = client.read();
  ASSERT_EQ(snapshot.at("type"), "snapshot");
  EXPECT_TRUE(snapshot.at("watching").as_array().empty());
  EXPECT_TRUE(snapshot.at("devices").as_array().empty());
  EXPECT_EQ(snapshot.at("sites").as_array().size(), 12u);
  ASSERT_EQ(snapshot.at("schools").as_array().size(), 12u);
  EXPECT_EQ(snapshot.at("schools").at(4).at("site"), "school-5");
  EXPECT_EQ(snapshot.at("schools").at(4).at("open"), 2);

  // No reading before a watch.
  server_->sink().on_reading(reading_of("school-1", "school-1-gas-1", 1));
  server_->on_schools({tally("school-1", 5)});
  EXPECT_EQ(client.read().at("type"), "school");

  // Eleven schools asked, 550 devices: ten fit the limit of 500, the eleventh is refused.
  std::string request = R"({"type":"watch","sites":[)";
  for (int s = 1; s <= 11; ++s)
    request += (s > 1 ? ",\"school-" : "\"school-") + std::to_string(s) + "\"";
  client.write(request + "]}");
  auto answer = client.read();
  ASSERT_EQ(answer.at("type"), "watching");
  EXPECT_EQ(answer.at("sites").as_array().size(), 10u);
  EXPECT_EQ(answer.at("devices").as_array().size(), 500u);
  EXPECT_EQ(counter("campus_ws_watch_ignored_total"), 1);

  client.write(R"({"type":"watch","sites":["school-12"]})");
  answer = client.read();
  EXPECT_EQ(ids(answer.at("sites")), (std::vector<std::string>{"school-12"}));
  EXPECT_EQ(answer.at("devices").as_array().size(), 50u);
  server_->sink().on_reading(reading_of("school-1", "school-1-gas-1", 1));
  server_->sink().on_reading(reading_of("school-12", "school-12-gas-3", 2));
  auto m = client.read();
  EXPECT_EQ(m.at("reading").at("device"), "school-12-gas-3");
}

constexpr std::size_t small_queue = 8;
constexpr int small_receive_buffer = 4096;

class watch_slow : public server_fixture {
 protected:
  watch_slow() : server_fixture(small_queue, large_district()) {}
};

TEST_F(watch_slow, a_stalled_page_gets_the_latest_summary_of_each_school_and_is_never_closed) {
  ws_client stalled(port_, small_receive_buffer);
  ASSERT_EQ(stalled.read().at("type"), "snapshot");
  stalled.write(R"({"type":"watch","sites":["school-1"]})");
  ASSERT_EQ(stalled.read().at("type"), "watching");

  // Far more than the socket buffers hold: summaries of every school and readings of many
  // keys (each its own subject), while the page reads nothing.
  const std::string padding(8 * 1024, 'p');
  constexpr int rounds = 300;
  for (int r = 0; r < rounds; ++r) {
    std::vector<bureau::school_tally> all;
    for (int s = 1; s <= 12; ++s) all.push_back(tally("school-" + std::to_string(s), r));
    server_->on_schools(all);
    for (int k = 0; k < 40; ++k) {
      auto reading = reading_of("school-1", "school-1-gas-1", r, "tag" + std::to_string(k));
      reading.unit = padding;
      server_->sink().on_reading(reading);
    }
  }
  server_->sink().on_alert(gas_alert("after", rules::alert_event::kind::raised));
  // Readings and summaries are kept to a bound, so some are dropped; nobody is closed.
  wait_until([&] { return counter("campus_ws_messages_dropped_total") > 0; });
  EXPECT_EQ(counter("campus_ws_slow_clients_closed_total"), 0);

  // Reading at last: the alert overtakes the summaries that wait, and the newest summary of
  // every school arrives (a hang here is caught by CTest's timeout).
  std::map<std::string, std::int64_t> latest;
  int messages = 0;
  bool alert = false;
  int summaries_after_alert = 0;
  const auto all_latest = [&] {
    return latest.size() == 12u && std::all_of(latest.begin(), latest.end(), [](const auto& l) {
             return l.second == rounds - 1;
           });
  };
  while (!alert || !all_latest()) {
    auto m = stalled.read();
    ++messages;
    if (m.at("type") == "alert") alert = true;
    if (m.at("type") == "school") {
      latest[std::string(m.at("school").at("site").as_string())] = m.at("school").at("open").as_int64();
      if (alert) ++summaries_after_alert;
    }
  }
  EXPECT_GT(summaries_after_alert, 0);
  EXPECT_LT(messages, rounds * 12);
  EXPECT_EQ(server_->websocket_clients(), 1u);
}

}  // namespace
}  // namespace campus::net::test
