// The smstools gateway against the real spool layout, with the test playing smsd's part:
// moving files from outgoing/ to sent/ or failed/ with the headers smsd 3.1.21 writes (taken
// from a real run with modem_disabled; smstools_smsd_test.cpp runs the real daemon).
#include "notify/sms/smstools_gateway.hpp"

#include <gtest/gtest.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "delivery_log.hpp"

namespace campus::notify::sms {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::delivery_log;
using testing::temp_dir;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
}

struct spool {
  temp_dir dir;
  spool() {
    for (auto d : {"outgoing", "checked", "sent", "failed"}) fs::create_directories(dir.path() / d);
  }
  fs::path operator/(const char* d) const { return dir.path() / d; }

  smstools_settings settings() const {
    smstools_settings s;
    s.spool_dir = dir.path().string();
    s.poll_interval = 10ms;
    return s;
  }

  // What smsd does on success: headers after the ones we wrote, then the text.
  void smsd_sends(const std::string& name) {
    auto content = read_file(dir.path() / "outgoing" / name);
    auto split = content.find("\n\n");
    auto sent = content.substr(0, split + 1) +
                "Modem: GSM1\nSent: 26-11-23 12:38:28\nSending_time: 7\nIMSI: \nIMEI: \n" +
                content.substr(split + 1);
    fs::remove(dir.path() / "outgoing" / name);
    write_file(dir.path() / "checked" / name, sent);
    fs::rename(dir.path() / "checked" / name, dir.path() / "sent" / name);
  }

  void smsd_fails(const std::string& name, const std::string& reason) {
    auto content = read_file(dir.path() / "outgoing" / name);
    auto split = content.find("\n\n");
    auto failed = content.substr(0, split + 1) + "Fail_reason: " + reason +
                  "\nFailed: 26-11-23 12:38:47\n" + content.substr(split + 1);
    fs::remove(dir.path() / "outgoing" / name);
    write_file(dir.path() / "failed" / name, failed);
  }
};

// The file name of a queued message: the gateway reports it in the queued result.
std::string queued_name(delivery_log& log, const std::string& id) {
  log.wait_for(id, delivery_status::queued);
  for (const auto& r : log.snapshot())
    if (r.id == id && r.status == delivery_status::queued) return r.reason;
  return {};
}

TEST(smstools_gateway, sent_round_trip) {
  spool sp;
  auto gw = smstools_gateway::open(sp.settings());
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"alert/gas#1", "+8613800000000", "【红色预警】燃气浓度超标"}, log.callback());
  auto name = queued_name(log, "alert/gas#1");
  ASSERT_TRUE(name.starts_with("campus-")) << name;
  EXPECT_NE(name.find("alert_gas_1"), std::string::npos) << name;
  EXPECT_EQ(read_file(sp / "outgoing" / name.c_str()),
            "To: 8613800000000\nAlphabet: UTF-8\n\n【红色预警】燃气浓度超标");
  EXPECT_EQ((*gw)->pending(), 1u);
  sp.smsd_sends(name);
  auto results = log.wait_final("alert/gas#1");
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, delivery_status::queued);
  EXPECT_EQ(results[1].status, delivery_status::sent);
  EXPECT_EQ(results[1].reason, "sent by modem GSM1 at 26-11-23 12:38:28");
  // Nothing left in our staging directory.
  EXPECT_TRUE(fs::is_empty(sp / "campus-staging"));
}

TEST(smstools_gateway, failed_carries_smsd_reason) {
  spool sp;
  auto gw = smstools_gateway::open(sp.settings());
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"m2", "+8613900000009", "text"}, log.callback());
  sp.smsd_fails(queued_name(log, "m2"), "Destination is blacklisted");
  auto results = log.wait_final("m2");
  EXPECT_EQ(results.back().status, delivery_status::failed);
  EXPECT_EQ(results.back().reason, "smsd: Destination is blacklisted");
  EXPECT_EQ((*gw)->pending(), 0u);
}

TEST(smstools_gateway, files_appear_in_outgoing_only_whole) {
  spool sp;
  int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_GE(inotify_add_watch(fd, (sp / "outgoing").c_str(),
                              IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO),
            0);
  auto gw = smstools_gateway::open(sp.settings());
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  const std::string text(3000, 'x');
  for (int i = 0; i < 20; ++i)
    (*gw)->send({"m" + std::to_string(i), "+8613800000000", text}, log.callback());
  for (int i = 0; i < 20; ++i) log.wait_for("m" + std::to_string(i), delivery_status::queued);
  // Every file entered outgoing/ by rename alone: never created, written or closed there.
  alignas(inotify_event) char buf[64 * 1024];
  int moved = 0, other = 0;
  for (;;) {
    auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      (ev->mask & IN_MOVED_TO ? moved : other)++;
      p += sizeof(inotify_event) + ev->len;
    }
  }
  ::close(fd);
  EXPECT_EQ(moved, 20);
  EXPECT_EQ(other, 0);
  for (const auto& e : fs::directory_iterator(sp / "outgoing"))
    EXPECT_EQ(read_file(e.path()), "To: 8613800000000\nAlphabet: UTF-8\n\n" + text);
}

TEST(smstools_gateway, waits_while_smsd_holds_the_lock) {
  spool sp;
  auto gw = smstools_gateway::open(sp.settings());
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"locked", "+8613800000000", "a"}, log.callback());
  auto locked = queued_name(log, "locked");
  write_file(sp / "sent" / (locked + ".LOCK").c_str(), "");
  sp.smsd_sends(locked);
  // Sent only now: a scan that reports "free" also looked at "locked", in sent/ under its lock.
  (*gw)->send({"free", "+8613800000000", "b"}, log.callback());
  sp.smsd_sends(queued_name(log, "free"));
  log.wait_final("free");
  EXPECT_EQ(log.for_id("locked").size(), 1u);  // only queued
  fs::remove(sp / "sent" / (locked + ".LOCK").c_str());
  EXPECT_EQ(log.wait_final("locked").back().status, delivery_status::sent);
}

TEST(smstools_gateway, gives_up_when_smsd_never_answers) {
  spool sp;
  auto s = sp.settings();
  s.give_up_after = 50ms;
  auto gw = smstools_gateway::open(s);
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"lost", "+8613800000000", "a"}, log.callback());
  auto r = log.wait_final("lost");
  EXPECT_EQ(r.back().status, delivery_status::failed);
  EXPECT_NE(r.back().reason.find("is smsd running?"), std::string::npos) << r.back().reason;
  EXPECT_EQ((*gw)->pending(), 0u);
}

TEST(smstools_gateway, bad_number_fails_without_a_file) {
  spool sp;
  auto gw = smstools_gateway::open(sp.settings());
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"bad", "138 0000 0000", "a"}, log.callback());
  auto r = log.wait_final("bad");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, delivery_status::failed);
  EXPECT_TRUE(fs::is_empty(sp / "outgoing"));
}

TEST(smstools_gateway, overfull_queue_fails_at_once) {
  spool sp;
  auto s = sp.settings();
  s.max_pending = 1;
  auto gw = smstools_gateway::open(s);
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  (*gw)->send({"one", "+8613800000000", "a"}, log.callback());
  (*gw)->send({"two", "+8613800000000", "b"}, log.callback());
  auto r = log.wait_final("two");
  EXPECT_EQ(r.back().status, delivery_status::failed);
  EXPECT_NE(r.back().reason.find("already pending"), std::string::npos);
}

TEST(smstools_gateway, open_names_a_missing_directory) {
  temp_dir dir;
  fs::create_directories(dir.path() / "outgoing");
  smstools_settings s;
  s.spool_dir = dir.path().string();
  auto gw = smstools_gateway::open(s);
  ASSERT_FALSE(gw.has_value());
  EXPECT_NE(gw.error().find((dir.path() / "sent").string()), std::string::npos) << gw.error();
}

}  // namespace
}  // namespace campus::notify::sms
