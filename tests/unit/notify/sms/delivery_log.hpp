// Test support: collects delivery results from a gateway's thread and lets the test wait for
// a message's final outcome (no timing: a hang is caught by the CTest timeout).
#pragma once

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "notify/sms/sms_gateway.hpp"

namespace campus::notify::sms::testing {

class delivery_log {
 public:
  delivery_callback callback() {
    return [this](const delivery_result& r) {
      std::lock_guard lock(mutex_);
      results_.push_back(r);
      changed_.notify_all();
    };
  }

  // Every result for `id`, once one of them is sent or failed.
  std::vector<delivery_result> wait_final(const std::string& id) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return final_of(id) != nullptr; });
    return for_id(id);
  }

  // Blocks until `id` has any result with `status`.
  void wait_for(const std::string& id, delivery_status status) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] {
      for (const auto& r : results_)
        if (r.id == id && r.status == status) return true;
      return false;
    });
  }

  std::vector<delivery_result> for_id(const std::string& id) {
    std::vector<delivery_result> out;
    for (const auto& r : results_)
      if (r.id == id) out.push_back(r);
    return out;
  }

  std::vector<delivery_result> snapshot() {
    std::lock_guard lock(mutex_);
    return results_;
  }

 private:
  const delivery_result* final_of(const std::string& id) const {
    for (const auto& r : results_)
      if (r.id == id && r.status != delivery_status::queued) return &r;
    return nullptr;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<delivery_result> results_;
};

// A fresh directory under the system temp dir, removed at the end of the test.
class temp_dir {
 public:
  temp_dir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("campus-sms-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace campus::notify::sms::testing
