// The smstools gateway against a real smsd (Debian package smstools, 3.1.x) on a spool in a
// temporary directory. smsd's documented test mode, `modem_disabled = yes`, runs the whole
// spooler (outgoing -> checked -> sent/failed, headers added) without talking to a modem; a
// blacklist file makes smsd itself fail one destination.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "delivery_log.hpp"
#include "notify/sms/smstools_gateway.hpp"

extern char** environ;

namespace campus::notify::sms {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::delivery_log;
using testing::temp_dir;

std::string find_smsd() {
  for (const char* p : {"/usr/sbin/smsd", "/usr/local/sbin/smsd", "/usr/bin/smsd"})
    if (::access(p, X_OK) == 0) return p;
  return {};
}

class smsd_process {
 public:
  smsd_process(const std::string& binary, const fs::path& config, const fs::path& out) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    auto conf_arg = "-c" + config.string();
    // -t: stay in the foreground, so that this pid is smsd's main process.
    char* argv[] = {const_cast<char*>(binary.c_str()), conf_arg.data(), const_cast<char*>("-t"),
                    nullptr};
    if (posix_spawn(&pid_, binary.c_str(), &actions, nullptr, argv, environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~smsd_process() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);  // smsd passes it on to its modem handler and waits for it
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

TEST(smstools_smsd, real_smsd_sends_and_fails_through_the_spool) {
  auto smsd = find_smsd();
  ASSERT_FALSE(smsd.empty()) << "smsd not found: install the Debian package smstools";
  temp_dir dir;
  const auto root = dir.path();
  for (auto d : {"outgoing", "checked", "sent", "failed", "incoming"})
    fs::create_directories(root / d);
  std::ofstream(root / "modem") << "";  // smsd opens and closes the device even when disabled
  std::ofstream(root / "blacklist") << "8613900000009\n";
  std::ofstream(root / "smsd.conf") << "devices = GSM1\n"
                                    << "outgoing = " << (root / "outgoing").string() << "\n"
                                    << "checked = " << (root / "checked").string() << "\n"
                                    << "failed = " << (root / "failed").string() << "\n"
                                    << "incoming = " << (root / "incoming").string() << "\n"
                                    << "sent = " << (root / "sent").string() << "\n"
                                    << "logfile = " << (root / "smsd.log").string() << "\n"
                                    << "infofile = " << (root / "smsd.working").string() << "\n"
                                    << "pidfile = " << (root / "smsd.pid").string() << "\n"
                                    << "blacklist = " << (root / "blacklist").string() << "\n"
                                    << "delaytime = 1\n"
                                    << "\n[GSM1]\n"
                                    << "device = " << (root / "modem").string() << "\n"
                                    << "modem_disabled = yes\n"
                                    << "incoming = no\n";
  smsd_process daemon(smsd, root / "smsd.conf", root / "smsd.out");
  ASSERT_TRUE(daemon.started());

  smstools_settings s;
  s.spool_dir = root.string();
  s.poll_interval = 200ms;
  auto gw = smstools_gateway::open(s);
  ASSERT_TRUE(gw.has_value()) << gw.error();
  delivery_log log;
  const std::string text = "【红色预警】阳光小学 食堂后厨：燃气浓度超标 25%LEL，14:05。编号 A-17";
  (*gw)->send({"A-17", "+8613800000000", text}, log.callback());
  (*gw)->send({"A-18", "+8613900000009", "blocked"}, log.callback());

  auto sent = log.wait_final("A-17");
  EXPECT_EQ(sent.front().status, delivery_status::queued);
  EXPECT_EQ(sent.back().status, delivery_status::sent) << sent.back().reason;
  EXPECT_NE(sent.back().reason.find("GSM1"), std::string::npos) << sent.back().reason;
  auto failed = log.wait_final("A-18");
  EXPECT_EQ(failed.back().status, delivery_status::failed);
  EXPECT_EQ(failed.back().reason, "smsd: Destination is blacklisted");

  // smsd kept our file name and our text, and sent the Chinese in UCS2 (its NOTICE header).
  std::ifstream in(root / "sent" / sent.front().reason, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  EXPECT_TRUE(content.str().ends_with("\n\n" + text)) << content.str();
  EXPECT_NE(content.str().find("converting to UCS2"), std::string::npos) << content.str();
}

}  // namespace
}  // namespace campus::notify::sms
