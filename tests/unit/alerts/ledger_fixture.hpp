// A ledger on a fresh SQLite file in a temporary directory, a manual clock, and blocking
// wrappers around the asynchronous API (each waits for its callback through a promise, so the
// test thread and the ledger's thread are ordered without any sleeping).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <system_error>

#include "alerts/alert_ledger.hpp"
#include "core/clock.hpp"
#include "core/metrics.hpp"

namespace campus::alerts::test {

using namespace std::chrono_literals;

// Calls `start(callback)` and waits for the callback's result.
template <class T, class Start>
ledger_result<T> wait_for(Start&& start) {
  std::promise<ledger_result<T>> answer;
  auto result = answer.get_future();
  start([&answer](ledger_result<T> r) { answer.set_value(std::move(r)); });
  return result.get();
}

inline rules::alert make_alert(const std::string& rule, const std::string& device, int n,
                               core::severity s, core::time_point at) {
  rules::alert a;
  a.id = rule + "/" + device + "#" + std::to_string(n);
  a.site = "school-1";
  a.zone = "kitchen";
  a.device = device;
  a.rule = rule;
  a.rule_name = "燃气泄漏";
  a.rule_name_en = "Gas leak";
  a.metric = "lel_pct";
  a.severity = s;
  a.value = 12.5;
  a.threshold = 10.0;
  a.raised_at = at;
  a.updated_at = at;
  return a;
}

class ledger_fixture : public ::testing::Test {
 protected:
  ledger_fixture() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "campus-ledger-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();  // the test cannot run without it
    dir_ = pattern;
    path_ = (dir_ / "ledger.db").string();
    reopen();
  }
  ~ledger_fixture() override {
    ledger_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Stops the ledger (if any) and opens the same file again, as a server restart would.
  void reopen() {
    ledger_.reset();
    auto opened = alert_ledger::open(path_, clock_, metrics_, [](const rules::alert& a) {
      return a.metric == "lel_pct" ? std::string("gas_detector") : std::string("other");
    });
    ASSERT_TRUE(opened.has_value()) << opened.error().message;
    ledger_ = std::move(*opened);
  }

  ledger_result<ledger_change> apply(rules::alert_event::kind what, const rules::alert& a) {
    return wait_for<ledger_change>([&](auto done) {
      ledger_->apply(rules::alert_event{what, a}, std::move(done));
    });
  }
  ledger_result<ledger_change> raise(const rules::alert& a) {
    return apply(rules::alert_event::kind::raised, a);
  }
  ledger_result<ledger_change> clear(rules::alert a) {
    a.cond = rules::condition::cleared;
    a.cleared_at = clock_.now();
    a.updated_at = clock_.now();
    return apply(rules::alert_event::kind::cleared, a);
  }
  ledger_result<ledger_change> acknowledge(std::int64_t id, const std::string& who,
                                           const std::string& note = {}) {
    return wait_for<ledger_change>(
        [&](auto done) { ledger_->acknowledge(id, who, note, std::move(done)); });
  }
  ledger_result<ledger_change> rectify(std::int64_t id, const std::string& who,
                                       const std::string& note) {
    return wait_for<ledger_change>(
        [&](auto done) { ledger_->rectify(id, who, note, std::move(done)); });
  }
  ledger_result<ledger_change> close(std::int64_t id, const std::string& who,
                                     const std::string& note) {
    return wait_for<ledger_change>(
        [&](auto done) { ledger_->close(id, who, note, std::move(done)); });
  }
  ledger_result<ledger_change> register_hazard(hazard_spec spec) {
    return wait_for<ledger_change>(
        [&](auto done) { ledger_->register_hazard(std::move(spec), std::move(done)); });
  }
  ledger_result<ledger_entry> get(std::int64_t id) {
    return wait_for<ledger_entry>([&](auto done) { ledger_->get(id, std::move(done)); });
  }
  ledger_result<std::vector<ledger_transition>> transitions(std::int64_t id) {
    return wait_for<std::vector<ledger_transition>>(
        [&](auto done) { ledger_->transitions(id, std::move(done)); });
  }
  ledger_result<ledger_page> list(ledger_filter f) {
    return wait_for<ledger_page>([&](auto done) { ledger_->list(std::move(f), std::move(done)); });
  }
  ledger_result<ledger_slice> slice(std::vector<std::string> sites, core::time_point from,
                                    core::time_point to) {
    return wait_for<ledger_slice>(
        [&](auto done) { ledger_->slice(std::move(sites), from, to, std::move(done)); });
  }
  ledger_result<std::vector<ledger_entry>> overdue() {
    return wait_for<std::vector<ledger_entry>>(
        [&](auto done) { ledger_->overdue(std::move(done)); });
  }

  // Raises a gas alert, acknowledges, rectifies and clears it: ready to be closed.
  std::int64_t rectified_and_cleared(const std::string& device = "gas-1") {
    const auto a = make_alert("gas_leak", device, 1, core::severity::red, clock_.now());
    auto raised = raise(a);
    EXPECT_TRUE(raised.has_value());
    const auto id = raised->entry.id;
    EXPECT_TRUE(acknowledge(id, "wang").has_value());
    EXPECT_TRUE(rectify(id, "wang", "closed the valve, replaced the hose").has_value());
    clock_.advance(1min);
    EXPECT_TRUE(clear(a).has_value());
    return id;
  }

  std::int64_t metric(const std::string& name, const std::string& labels = {}) {
    return metrics_.get(name, labels).value();
  }

  std::filesystem::path dir_;
  std::string path_;
  core::manual_clock clock_;
  core::metrics metrics_;
  std::unique_ptr<alert_ledger> ledger_;
};

}  // namespace campus::alerts::test
