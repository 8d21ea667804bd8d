// Answers being computed, or computed in the last half minute, shared by every request for the
// same thing: ten bureau users opening the district's monthly report (or its daily compliance)
// together cost one ledger slice, one history read and one computation, not ten.
//
// Thread-safe. Waiters are called on the thread that finishes the computation (or, for an
// answer already made, on the caller's), outside the lock.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "net/responses.hpp"

namespace campus::net {

template <class T>
class shared_answers {
 public:
  using value_ptr = std::shared_ptr<const T>;
  // The value, or the answer to give instead (made for each request: 503, 400).
  using outcome = std::expected<value_ptr, std::function<string_response(const request&)>>;
  using waiter = std::function<void(const outcome&)>;

  explicit shared_answers(core::duration keep = std::chrono::seconds(30), std::size_t slots = 16)
      : keep_(keep), max_slots_(slots) {}

  // Asks for `key` at `now`. Returns true when the caller must compute it and then call
  // finish(key, …); otherwise `w` is called with the value, now (made less than `keep` ago) or
  // when the computation under way ends.
  bool join(const std::string& key, core::time_point now, waiter w) {
    std::optional<outcome> ready;
    {
      std::lock_guard lock(mutex_);
      auto it = slots_.find(key);
      if (it != slots_.end() && it->second.pending) {
        it->second.waiting.push_back(std::move(w));
        return false;
      }
      if (it == slots_.end() || !it->second.made || now - it->second.made_at >= keep_) {
        slot& s = slots_[key];
        s = slot{};
        s.waiting.push_back(std::move(w));
        return true;
      }
      ready = *it->second.made;
    }
    w(*ready);
    return false;
  }

  // The computation of `key` ended: every waiter gets `o`. A value is kept for `keep`; a
  // failure is not kept (the next request tries again).
  void finish(const std::string& key, outcome o, core::time_point now) {
    std::vector<waiter> waiting;
    {
      std::lock_guard lock(mutex_);
      auto it = slots_.find(key);
      if (it == slots_.end()) return;
      waiting = std::move(it->second.waiting);
      if (o) {
        it->second.pending = false;
        it->second.made = o;
        it->second.made_at = now;
      } else {
        slots_.erase(it);
      }
      // Values no longer fresh go first once there are too many.
      for (auto s = slots_.begin(); slots_.size() > max_slots_ && s != slots_.end();) {
        if (!s->second.pending && now - s->second.made_at >= keep_) s = slots_.erase(s);
        else ++s;
      }
    }
    for (const auto& w : waiting) w(o);
  }

 private:
  struct slot {
    bool pending = true;
    std::optional<outcome> made;
    core::time_point made_at{};
    std::vector<waiter> waiting;
  };

  const core::duration keep_;
  const std::size_t max_slots_;
  std::mutex mutex_;
  std::map<std::string, slot> slots_;
};

}  // namespace campus::net
