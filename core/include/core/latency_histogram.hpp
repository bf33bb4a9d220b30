#pragma once
// A latency histogram with fixed buckets, as /metrics exposes it (Prometheus `le` buckets).
// It sits on hot paths (once per token relayed), so recording is a short scan of a constant
// table and two relaxed atomic adds: no lock, no allocation. Buckets are kept per bucket and
// made cumulative only when read.
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace core {

class LatencyHistogram {
  public:
    // Upper bounds (inclusive, nanoseconds): 1-2.5-5 steps from 1 µs to 10 s. A relay lag is
    // microseconds when the server keeps up and seconds when it does not; a durable save is
    // milliseconds. Values above the last bound fall in the +Inf bucket.
    static constexpr std::array<std::int64_t, 22> kBoundsNs = {
        1'000,         2'500,         5'000,         10'000,        25'000,      50'000,
        100'000,       250'000,       500'000,       1'000'000,     2'500'000,   5'000'000,
        10'000'000,    25'000'000,    50'000'000,    100'000'000,   250'000'000, 500'000'000,
        1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
    static constexpr std::size_t kBuckets = kBoundsNs.size() + 1;  // the last one: +Inf

    // What a reader sees: per-bucket counts (not cumulative) and the sum. Taken without a lock
    // while others record, so the sum may be a few values ahead of or behind the buckets.
    struct Snapshot {
        std::array<std::uint64_t, kBuckets> buckets{};
        std::int64_t sum_ns = 0;
    };

    // A negative duration (a clock read out of order) counts as zero.
    void record(std::chrono::nanoseconds d) noexcept {
        const std::int64_t ns = d.count() < 0 ? 0 : d.count();
        std::size_t i = 0;
        while (i < kBoundsNs.size() && ns > kBoundsNs[i]) ++i;
        buckets_[i].fetch_add(1, std::memory_order_relaxed);
        sum_ns_.fetch_add(ns, std::memory_order_relaxed);
    }

    Snapshot snapshot() const noexcept {
        Snapshot s;
        for (std::size_t i = 0; i < kBuckets; ++i) {
            s.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
        }
        s.sum_ns = sum_ns_.load(std::memory_order_relaxed);
        return s;
    }

  private:
    std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
    std::atomic<std::int64_t> sum_ns_{0};
};

}  // namespace core
