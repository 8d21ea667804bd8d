// `campus-shield check-config` and `serve` on good and broken files: every error named with its
// file and line, exit code 2, and the server refusing to start on a file it cannot trust.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

namespace campus::test {
namespace {

using namespace std::chrono_literals;

std::string sample() {
  std::ifstream in(std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("not in the sample: " + from);
  return text.replace(at, from.size(), to);
}

struct run_result {
  int code;
  std::string output;
};

run_result run(const temp_dir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), CAMPUS_SHIELD_BINARY);
  auto log = dir.path() / "out.log";
  std::filesystem::remove(log);
  child_process p(args, log);
  auto code = p.wait_exit(30s);
  if (!code) code = p.stop();
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  return {*code, text.str()};
}

TEST(check_config, the_sample_district_is_valid) {
  temp_dir dir;
  auto r = run(dir, {"check-config", std::string(CAMPUS_SOURCE_DIR) + "/config/district.yaml"});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("39 devices"), std::string::npos) << r.output;
}

TEST(check_config, every_error_is_named_with_its_line_and_serve_refuses_the_file) {
  temp_dir dir;
  std::string yaml = sample();
  yaml = replace_once(yaml, "family: gas_detector, zone: kitchen, name: 后厨燃气探测器2",
                      "family: gas_detectr, zone: kitchen, name: 后厨燃气探测器2");
  yaml = replace_once(yaml, "  qos: 1\n", "  qos: 7\n");
  yaml = replace_once(yaml, "roles: [bureau_duty_officer]}", "roles: [bureau_officer]}");
  const auto file = dir.path() / "broken.yaml";
  std::ofstream(file) << yaml;

  auto check = run(dir, {"check-config", file.string()});
  EXPECT_EQ(check.code, 2);
  EXPECT_NE(check.output.find("unknown device family \"gas_detectr\""), std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find("mqtt.qos: qos value must be 0, 1, or 2: 7"), std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find(file.string() + ":"), std::string::npos) << check.output;

  auto serve = run(dir, {"serve", "--config", file.string(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(serve.code, 2) << serve.output;
  EXPECT_NE(serve.output.find("gas_detectr"), std::string::npos) << serve.output;

  // With the district part fixed, the duty section's error is still caught.
  yaml = replace_once(yaml, "family: gas_detectr", "family: gas_detector");
  yaml = replace_once(yaml, "  qos: 7\n", "  qos: 1\n");
  std::ofstream(file) << yaml;
  auto duty = run(dir, {"check-config", file.string()});
  EXPECT_EQ(duty.code, 2);
  EXPECT_NE(duty.output.find("unknown role \"bureau_officer\""), std::string::npos)
      << duty.output;
}

// A key written twice is refused with both lines named (yaml-cpp alone keeps the first and the
// second is ignored without a word); a misspelt key is one error saying what was meant.
TEST(check_config, a_repeated_key_names_both_lines_and_a_misspelt_one_what_was_meant) {
  temp_dir dir;
  std::string yaml = replace_once(sample(), "  client_id: campus-shield\n",
                                  "  client_id: campus-shield\n  port: 1884\n");
  yaml = replace_once(yaml, "{severity: red, threshold: 25, clear: 20}",
                      "{severity: red, thresold: 25, clear: 20}");
  auto line_of = [&](const std::string& text) {  // of its first occurrence
    const auto at = static_cast<std::ptrdiff_t>(yaml.find(text));
    return 1 + std::count(yaml.begin(), yaml.begin() + at, '\n');
  };
  const auto first_port = line_of("  port: ");
  const auto second_port = line_of("  port: 1884");
  const auto typo = line_of("thresold");
  const auto file = dir.path() / "repeated.yaml";
  std::ofstream(file) << yaml;

  const std::string duplicate = file.string() + ":" + std::to_string(second_port) +
                                ": mqtt.port: duplicate key `port` at line " +
                                std::to_string(second_port) + " (first at line " +
                                std::to_string(first_port) + ")";
  const std::string misspelt = file.string() + ":" + std::to_string(typo) +
                               ": rules[0].levels[1].thresold: unknown setting: did you mean "
                               "`threshold`?";
  auto check = run(dir, {"check-config", file.string()});
  EXPECT_EQ(check.code, 2);
  EXPECT_NE(check.output.find(duplicate), std::string::npos) << check.output;
  EXPECT_NE(check.output.find(misspelt), std::string::npos) << check.output;
  EXPECT_NE(check.output.find("2 errors in the configuration"), std::string::npos)
      << "one error each, no follow-up:\n" << check.output;

  auto serve = run(dir, {"serve", "--config", file.string(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(serve.code, 2) << serve.output;
  EXPECT_NE(serve.output.find(duplicate), std::string::npos) << serve.output;
}

TEST(check_config, a_bad_sms_section_is_named_with_its_line_and_serve_refuses_it) {
  temp_dir dir;
  const std::string yaml =
      replace_once(sample(), "\nsms:\n  gateway: log\n", "\nsms:\n  gateway: sms77\n");
  const auto line = 1 + std::count(yaml.begin(), yaml.begin() + yaml.find("gateway: sms77"), '\n');
  const auto file = dir.path() / "bad-sms.yaml";
  std::ofstream(file) << yaml;

  auto check = run(dir, {"check-config", file.string()});
  EXPECT_EQ(check.code, 2);
  EXPECT_NE(check.output.find(file.string() + ":" + std::to_string(line) +
                              ": sms.gateway: must be log, smstools or http, got \"sms77\""),
            std::string::npos)
      << check.output;

  auto serve = run(dir, {"serve", "--config", file.string(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(serve.code, 2) << serve.output;
  EXPECT_NE(serve.output.find("sms.gateway"), std::string::npos) << serve.output;
}

}  // namespace
}  // namespace campus::test
