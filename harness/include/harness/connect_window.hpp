#pragma once
// At most K connections being brought up (TCP connect, handshake, initialize) at a time; the
// rest wait their turn, first come first served. Thousands of clients connecting at once
// overflow the server's listen backlog, and every dropped SYN is retried only after a second
// or more: a bounded window brings the whole fleet up sooner than a stampede does.
//
// Thread-safe, and never blocks beyond a short lock: acquire() and release() may be called from
// any thread, the event loop's included. `go` runs on the thread that frees its slot (or that
// acquires a free one), never under the window's lock; it should only start asynchronous work.
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace harness {

class ConnectWindow {
  public:
    // `slots` (K) must be at least 1 (std::invalid_argument otherwise).
    explicit ConnectWindow(std::size_t slots);
    ConnectWindow(const ConnectWindow&) = delete;
    ConnectWindow& operator=(const ConnectWindow&) = delete;

    // Runs `go` now if a slot is free, else queues it. Every `go` that runs holds a slot
    // until release() is called once for it.
    void acquire(std::function<void()> go);
    // Frees a slot and starts the next queued `go` in it.
    void release();
    // No queued `go` runs any more (they are dropped) and acquire() drops its `go`: for an
    // owner whose event loop has stopped, so that no release() starts work on it.
    void close();

    std::size_t slots() const { return slots_; }
    std::size_t in_flight() const;
    std::size_t queued() const;
    std::size_t releases() const;  // how many release() calls so far

  private:
    const std::size_t slots_;
    mutable std::mutex mutex_;
    std::size_t in_flight_ = 0;
    std::size_t releases_ = 0;
    bool closed_ = false;
    std::deque<std::function<void()>> waiting_;
};

}  // namespace harness
