#include "common/histogram.hpp"

#include <bit>

namespace common {

int Histogram::index_of(std::uint64_t v) {
    if (v < static_cast<std::uint64_t>(kSub)) return static_cast<int>(v);
    const int msb = 63 - std::countl_zero(v);  // >= kSubBits
    int shift = msb - kSubBits + 1;
    if (shift > kMaxExp) shift = kMaxExp;
    const std::uint64_t top = v >> shift;  // in [kSub/2, kSub) unless clamped
    int index = shift * (kSub / 2) + static_cast<int>(top);
    if (index >= kBuckets) index = kBuckets - 1;
    return index;
}

std::int64_t Histogram::value_of(int index) {
    if (index < kSub) return index;
    const int shift = (index - kSub / 2) / (kSub / 2);
    const std::int64_t top = index - shift * (kSub / 2);
    return ((top + 1) << shift) - 1;
}

void Histogram::record(std::int64_t value) {
    if (value < 0) value = 0;
    buckets_[index_of(static_cast<std::uint64_t>(value))].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
    std::int64_t prev = max_.load(std::memory_order_relaxed);
    while (value > prev && !max_.compare_exchange_weak(prev, value, std::memory_order_relaxed)) {
    }
}

void Histogram::reset() {
    for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
    count_.store(0, std::memory_order_relaxed);
    sum_.store(0, std::memory_order_relaxed);
    max_.store(0, std::memory_order_relaxed);
}

double Histogram::mean() const {
    const auto n = count();
    return n == 0 ? 0.0 : static_cast<double>(sum_.load(std::memory_order_relaxed)) / n;
}

std::int64_t Histogram::quantile(double q) const {
    std::uint64_t total = 0;
    for (const auto& b : buckets_) total += b.load(std::memory_order_relaxed);
    if (total == 0) return 0;
    if (q < 0) q = 0;
    if (q > 1) q = 1;
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total) + 0.5);
    if (rank == 0) rank = 1;
    std::uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
        seen += buckets_[i].load(std::memory_order_relaxed);
        if (seen >= rank) {
            const std::int64_t v = value_of(i);
            const std::int64_t m = max();
            return v < m ? v : m;  // never report above the true maximum
        }
    }
    return max();
}

}  // namespace common
