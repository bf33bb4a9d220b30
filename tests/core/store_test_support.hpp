#pragma once
// Helpers for summary store tests: wait for a save's outcome, hold the writer thread.
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>

#include "core/summary_store.hpp"

namespace core_test {

// Saves and waits for the outcome.
inline core::SaveResult save_and_wait(core::SummaryStore& store, std::string id, std::string text) {
    std::promise<core::SaveResult> outcome;
    auto future = outcome.get_future();
    store.save(std::move(id), std::move(text),
               [&outcome](core::SaveResult r) { outcome.set_value(std::move(r)); });
    return future.get();
}

// A gate the writer thread can be parked on (from a save's callback), so that the saves
// queued meanwhile are all taken as one batch when it opens.
class Gate {
  public:
    void wait() {
        std::unique_lock lock(mutex_);
        entered_ = true;
        cv_.notify_all();
        cv_.wait(lock, [&] { return open_; });
    }
    void wait_until_entered() {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return entered_; });
    }
    void open() {
        std::lock_guard lock(mutex_);
        open_ = true;
        cv_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool entered_ = false;
    bool open_ = false;
};

// Parks the store's writer thread until gate.open(); returns once it is parked.
inline void park_writer(core::SummaryStore& store, Gate& gate, const std::string& any_id) {
    store.save(any_id, "parking", [&gate](const core::SaveResult&) { gate.wait(); });
    gate.wait_until_entered();
}

}  // namespace core_test
