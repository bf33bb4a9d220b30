#pragma once
// A lock-free log-linear histogram (HdrHistogram's bucketing, ~1.6 % relative precision)
// for latencies recorded from many I/O threads at once: recording is a couple of relaxed
// atomic increments, so the hot path never takes a lock.
#include <array>
#include <atomic>
#include <cstdint>

namespace common {

class Histogram {
  public:
    // Records a non-negative value (negative values count as 0).
    void record(std::int64_t value);
    void reset();

    std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
    std::int64_t max() const { return max_.load(std::memory_order_relaxed); }
    double mean() const;
    // Value at or below which `q` (0..1) of the recorded values lie; 0 when empty.
    std::int64_t quantile(double q) const;

  private:
    static constexpr int kSubBits = 6;  // 64 linear sub-buckets per power of two
    static constexpr int kSub = 1 << kSubBits;
    static constexpr int kMaxExp = 48;
    static constexpr int kBuckets = kSub * (kMaxExp - kSubBits + 2);

    static int index_of(std::uint64_t v);
    static std::int64_t value_of(int index);  // upper edge of the bucket

    std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::int64_t> sum_{0};
    std::atomic<std::int64_t> max_{0};
};

}  // namespace common
