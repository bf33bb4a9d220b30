#pragma once
// Helpers for summary store tests: wait for a save's outcome, hold the writer thread.
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
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

// The summary of `id` as the file on disk holds it (read with the store's own format check,
// without opening a second store, which the store's lock refuses); nullopt when no row.
inline std::optional<std::string> summary_on_disk(const std::filesystem::path& file,
                                                  const std::string& id) {
    for (auto& row : core::load_summaries_csv(file)) {
        if (row.patient_id == id) return std::move(row.summary);
    }
    return std::nullopt;
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
