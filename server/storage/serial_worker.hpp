// One thread that runs tasks one at a time, in the order they were posted: the thread that
// owns a store's SQLite file (the ledger's, the notice board's), so requests never race and
// the Asio loop never waits for the disk.
//
// The queue is unbounded on purpose: the stores' requests (alert events, people's actions,
// SMS outcomes) must not be dropped, and they come at the rate of alerts and people, not of
// readings. Its depth goes to an optional gauge. Tasks must not throw and must not wait on
// the worker (post to your own executor instead).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace campus::storage {

class serial_worker {
 public:
  // Called with the queue's size after every post and every start of a task, under the
  // queue's lock (so the gauge never shows an older size last); must be quick and not post.
  using depth_gauge = std::function<void(std::size_t)>;

  // Starts the thread. The owner declares the worker after everything its tasks touch, so
  // it is destroyed (and joined) first.
  explicit serial_worker(depth_gauge on_depth = {});
  ~serial_worker();  // stop()
  serial_worker(const serial_worker&) = delete;
  serial_worker& operator=(const serial_worker&) = delete;

  // Queues a task; false once stop() has begun (the caller answers `stopped` itself, on its
  // own thread). A task posted before stop() always runs.
  bool post(std::function<void()> task);

  // Runs every task already queued, then ends the thread. Safe to call twice; never from a
  // task.
  void stop();

 private:
  void run();

  const depth_gauge on_depth_;
  std::mutex mutex_;  // guards queue_ and stopping_
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace campus::storage
