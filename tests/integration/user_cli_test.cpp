// `campus-shield user` as an operator runs it: passwords piped on stdin, users.db in the data
// directory, refusals with exit code 2 and a message naming what was wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;

struct run_result {
  int code;
  std::string output;
};

// Runs the binary through /bin/sh so that `stdin_text` can be piped in, as an operator would.
run_result run(const temp_dir& dir, const std::string& stdin_text, std::vector<std::string> args) {
  const auto input = dir.path() / "stdin.txt";
  std::ofstream(input, std::ios::trunc) << stdin_text;
  std::vector<std::string> argv{"/bin/sh", "-c", "exec \"$0\" \"$@\" < \"$CAMPUS_STDIN\"",
                                CAMPUS_SHIELD_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto log = dir.path() / "out.log";
  std::filesystem::remove(log);
  child_process p(argv, log, {{"CAMPUS_STDIN", input.string()}});
  auto code = p.wait_exit(60s);
  if (!code) code = p.stop();
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return {*code, text.str()};
}

std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string sample_config = std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml";

TEST(user_cli, add_then_list_shows_the_user_and_the_file_has_no_password) {
  temp_dir dir;
  const auto data = (dir / "var").string();
  auto add = run(dir, "Xinghuo-kitchen-2025\n",
                 {"user", "add", "wangfang", "--role", "duty_leader", "--sites", "xh-primary",
                  "--display", "王芳", "--config", sample_config, "--data-dir", data});
  ASSERT_EQ(add.code, 0) << add.output;
  EXPECT_NE(add.output.find("user wangfang added"), std::string::npos) << add.output;

  auto bureau = run(dir, "another-long-secret\n",
                    {"user", "add", "zhao", "--role", "bureau", "--data-dir", data});
  ASSERT_EQ(bureau.code, 0) << bureau.output;

  auto list = run(dir, "", {"user", "list", "--data-dir", data});
  ASSERT_EQ(list.code, 0) << list.output;
  EXPECT_NE(list.output.find("wangfang"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("duty_leader"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("xh-primary"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("王芳"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("zhao"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("bureau"), std::string::npos) << list.output;

  const auto db = std::filesystem::path(data) / "users.db";
  ASSERT_TRUE(std::filesystem::exists(db));
  const auto bytes = read_bytes(db) + read_bytes(db.string() + "-wal");
  EXPECT_EQ(bytes.find("Xinghuo-kitchen-2025"), std::string::npos);
  EXPECT_NE(bytes.find("$argon2id$"), std::string::npos);
  EXPECT_NE(bytes.find("user_add"), std::string::npos);  // the change is in the audit log
}

TEST(user_cli, a_duplicate_a_bad_role_an_unknown_site_and_a_short_password_are_refused) {
  temp_dir dir;
  const auto data = (dir / "var").string();
  ASSERT_EQ(run(dir, "Xinghuo-kitchen-2025\n",
                {"user", "add", "wangfang", "--role", "viewer", "--sites", "xh-primary",
                 "--data-dir", data})
                .code,
            0);

  auto duplicate = run(dir, "some-other-password\n",
                       {"user", "add", "wangfang", "--role", "admin", "--data-dir", data});
  EXPECT_EQ(duplicate.code, 2);
  EXPECT_NE(duplicate.output.find("already exists"), std::string::npos) << duplicate.output;

  auto bad_role = run(dir, "some-other-password\n",
                      {"user", "add", "lihua", "--role", "root", "--data-dir", data});
  EXPECT_EQ(bad_role.code, 2);
  EXPECT_NE(bad_role.output.find("unknown role \"root\""), std::string::npos) << bad_role.output;

  auto unknown_site = run(dir, "some-other-password\n",
                          {"user", "add", "lihua", "--role", "viewer", "--sites", "no-such-school",
                           "--config", sample_config, "--data-dir", data});
  EXPECT_EQ(unknown_site.code, 2);
  EXPECT_NE(unknown_site.output.find("unknown site \"no-such-school\""), std::string::npos)
      << unknown_site.output;

  auto short_password = run(dir, "short\n",
                            {"user", "add", "lihua", "--role", "viewer", "--sites", "xh-primary",
                             "--data-dir", data});
  EXPECT_EQ(short_password.code, 2);
  EXPECT_NE(short_password.output.find("at least 10"), std::string::npos) << short_password.output;

  auto no_place = run(dir, "", {"user", "list"});
  EXPECT_EQ(no_place.code, 2);
  EXPECT_NE(no_place.output.find("--data-dir"), std::string::npos) << no_place.output;

  auto list = run(dir, "", {"user", "list", "--data-dir", data});
  ASSERT_EQ(list.code, 0);
  EXPECT_EQ(list.output.find("lihua"), std::string::npos) << list.output;  // nothing half-added
  EXPECT_EQ(list.output.find("admin"), std::string::npos) << list.output;
}

TEST(user_cli, passwd_disable_and_enable_change_the_user) {
  temp_dir dir;
  const auto data = (dir / "var").string();
  ASSERT_EQ(run(dir, "Xinghuo-kitchen-2025\n",
                {"user", "add", "wangfang", "--role", "viewer", "--sites", "xh-primary",
                 "--data-dir", data})
                .code,
            0);
  auto passwd = run(dir, "a-brand-new-secret\n", {"user", "passwd", "wangfang", "--data-dir", data});
  EXPECT_EQ(passwd.code, 0) << passwd.output;
  auto disable = run(dir, "", {"user", "disable", "wangfang", "--data-dir", data});
  EXPECT_EQ(disable.code, 0) << disable.output;
  auto list = run(dir, "", {"user", "list", "--data-dir", data});
  EXPECT_NE(list.output.find("disabled"), std::string::npos) << list.output;
  auto enable = run(dir, "", {"user", "enable", "wangfang", "--data-dir", data});
  EXPECT_EQ(enable.code, 0) << enable.output;
  list = run(dir, "", {"user", "list", "--data-dir", data});
  EXPECT_EQ(list.output.find("disabled"), std::string::npos) << list.output;

  auto nobody = run(dir, "", {"user", "disable", "nobody", "--data-dir", data});
  EXPECT_EQ(nobody.code, 2);
  EXPECT_NE(nobody.output.find("no user \"nobody\""), std::string::npos) << nobody.output;
}

}  // namespace
}  // namespace campus::test
