#include "storage/serial_worker.hpp"

#include <utility>

namespace campus::storage {

serial_worker::serial_worker(depth_gauge on_depth)
    : on_depth_(std::move(on_depth)), thread_([this] { run(); }) {}

serial_worker::~serial_worker() { stop(); }

void serial_worker::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool serial_worker::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return false;
    queue_.push_back(std::move(task));
    if (on_depth_) on_depth_(queue_.size());
  }
  wake_.notify_one();
  return true;
}

void serial_worker::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued before it has run
      task = std::move(queue_.front());
      queue_.pop_front();
      if (on_depth_) on_depth_(queue_.size());
    }
    task();
  }
}

}  // namespace campus::storage
