// A history_store test double for the server's side of the interface: it records each query
// and answers it from its own thread, as a real backend does. It can hold its answers until
// the test releases them, to put a query "in flight" for as long as the test needs.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "history/history_store.hpp"

namespace campus::net::test {

class fake_history_store final : public history::history_store {
 public:
  using answer_fn = std::function<history::query_result(const history::series_query&)>;

  explicit fake_history_store(answer_fn answer) : answer_(std::move(answer)) {
    worker_ = std::thread([this] { run(); });
  }
  ~fake_history_store() override { close(); }

  void append(std::span<const core::reading>) override {}
  void when_durable(std::function<void()> done) override { done(); }  // keeps nothing

  void query(history::series_query q, history::query_handler done) override {
    std::lock_guard lock(mutex_);
    queries_.push_back(q);
    pending_.push_back({std::move(q), std::move(done)});
    changed_.notify_all();
  }

  // Not what these tests exercise: no activity, answered at once on the caller's thread.
  void activity(history::activity_query, history::activity_handler done) override {
    done(std::vector<history::device_activity>{});
  }

  // Queries already waiting stay unanswered on close(): a real store may drop them too.
  void close() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      changed_.notify_all();
    }
    if (worker_.joinable()) worker_.join();
  }

  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }

  // Blocks until `n` queries have arrived (the test's own timeout bounds the wait).
  void wait_for_queries(std::size_t n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queries_.size() >= n; });
  }
  std::vector<history::series_query> queries() const {
    std::lock_guard lock(mutex_);
    return queries_;
  }

 private:
  struct job {
    history::series_query q;
    history::query_handler done;
  };

  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      changed_.wait(lock, [&] { return stopping_ || (!held_ && !pending_.empty()); });
      if (stopping_) return;
      job j = std::move(pending_.front());
      pending_.pop_front();
      lock.unlock();
      j.done(answer_(j.q));  // outside the lock, on this thread, as a backend would
      lock.lock();
    }
  }

  answer_fn answer_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<job> pending_;
  std::vector<history::series_query> queries_;
  bool held_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace campus::net::test
