// A bounded wait for a condition that another process or thread makes true. It polls, which
// is fine in tests; it is not a timing assertion: the timeout only bounds a hang, and a test
// asserts on the result (ASSERT_TRUE(wait_until(...))), never on how long it took.
#pragma once

#include <chrono>
#include <thread>

namespace campus::test {

template <class Predicate>
bool wait_until(Predicate&& done, std::chrono::milliseconds timeout = std::chrono::seconds{20},
                std::chrono::milliseconds step = std::chrono::milliseconds{10}) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(step);
  }
}

}  // namespace campus::test
