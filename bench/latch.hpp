#pragma once
// Counts down from the event loop's threads while the benchmark's own thread waits with a
// deadline. Held by shared_ptr: the callbacks that count down may outlive a waiter that gave
// up.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace bench {

class Latch {
  public:
    explicit Latch(std::size_t n) : left_(n) {}
    void count_down() {
        std::lock_guard lock(mutex_);
        if (left_ > 0 && --left_ == 0) done_.notify_all();
    }
    // True when the count reached zero within `timeout`.
    bool wait_for(std::chrono::duration<double> timeout) {
        std::unique_lock lock(mutex_);
        return done_.wait_for(lock, timeout, [this] { return left_ == 0; });
    }

  private:
    std::mutex mutex_;
    std::condition_variable done_;
    std::size_t left_;
};

}  // namespace bench
