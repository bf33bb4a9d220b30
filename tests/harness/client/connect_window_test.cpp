// ConnectWindow: at most K turns at a time, the others in arrival order, and `go` never run
// under the window's lock (a `go` that calls back into the window must not deadlock).
#include "harness/connect_window.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

namespace harness {
namespace {

TEST(ConnectWindow, RejectsZeroSlots) {
    EXPECT_THROW(ConnectWindow(0), std::invalid_argument);
    EXPECT_EQ(ConnectWindow(1).slots(), 1u);
}

TEST(ConnectWindow, RunsAtMostKAndTheRestInArrivalOrder) {
    ConnectWindow w(2);
    std::vector<int> ran;
    for (int i = 0; i < 5; ++i) w.acquire([&ran, i] { ran.push_back(i); });
    EXPECT_EQ(ran, (std::vector<int>{0, 1}));
    EXPECT_EQ(w.in_flight(), 2u);
    EXPECT_EQ(w.queued(), 3u);
    w.release();  // the freed slot goes straight to the next in line
    EXPECT_EQ(ran, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(w.in_flight(), 2u);
    w.release();
    w.release();
    EXPECT_EQ(ran, (std::vector<int>{0, 1, 2, 3, 4}));
    EXPECT_EQ(w.queued(), 0u);
    w.release();
    EXPECT_EQ(w.in_flight(), 1u);
    w.release();
    EXPECT_EQ(w.in_flight(), 0u);
    EXPECT_EQ(w.releases(), 5u);
}

TEST(ConnectWindow, AGoThatFailsAtOnceHandsItsSlotOn) {
    // Releasing from inside `go` (a connect that fails synchronously) runs the next turn:
    // possible only when `go` is not run under the lock.
    ConnectWindow w(1);
    int ran = 0;
    for (int i = 0; i < 3; ++i) {
        w.acquire([&] {
            ++ran;
            w.release();
        });
    }
    EXPECT_EQ(ran, 3);
    EXPECT_EQ(w.in_flight(), 0u);
    EXPECT_EQ(w.queued(), 0u);
}

TEST(ConnectWindow, CloseDropsTheWaitingTurns) {
    ConnectWindow w(1);
    int ran = 0;
    for (int i = 0; i < 3; ++i) w.acquire([&] { ++ran; });
    w.close();
    EXPECT_EQ(w.queued(), 0u);
    w.release();
    w.acquire([&] { ++ran; });
    EXPECT_EQ(ran, 1);
    EXPECT_EQ(w.in_flight(), 0u);
}

TEST(ConnectWindow, NeverMoreThanKAtOnceAcrossThreads) {
    constexpr std::size_t kSlots = 3;
    ConnectWindow w(kSlots);
    std::atomic<int> now{0}, most{0}, done{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 500; ++i) {
                w.acquire([&] {
                    const int n = ++now;
                    for (int m = most.load(); n > m && !most.compare_exchange_weak(m, n);) {
                    }
                    std::this_thread::yield();
                    --now;
                    ++done;
                    w.release();
                });
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(done.load(), 2000);
    EXPECT_LE(most.load(), static_cast<int>(kSlots));
    EXPECT_EQ(w.in_flight(), 0u);
    EXPECT_EQ(w.releases(), 2000u);
}

}  // namespace
}  // namespace harness
