#include "reports/histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace reports {

namespace {

constexpr std::int64_t kSub = std::int64_t{1} << Histogram::kSubBucketBits;
// Far beyond any latency or rate, and small enough that a sum of many stays in range.
constexpr double kMaxUnits = 1e15;

}  // namespace

std::int32_t Histogram::index_of(std::int64_t units) {
    if (units < kSub) return static_cast<std::int32_t>(std::max<std::int64_t>(units, 0));
    const int e = std::bit_width(static_cast<std::uint64_t>(units)) - 1 - kSubBucketBits;
    return static_cast<std::int32_t>((e + 1) * kSub + ((units >> e) - kSub));
}

std::int32_t Histogram::max_index() {
    return index_of(static_cast<std::int64_t>(kMaxUnits));
}

double Histogram::bucket_low(std::int32_t index) const {
    if (index < kSub) return static_cast<double>(index) * resolution;
    const int e = static_cast<int>(index / kSub) - 1;
    const std::int64_t mantissa = kSub + index % kSub;
    return static_cast<double>(mantissa << e) * resolution;
}

double Histogram::bucket_high(std::int32_t index) const {
    if (index < kSub) return static_cast<double>(index) * resolution;
    const int e = static_cast<int>(index / kSub) - 1;
    const std::int64_t mantissa = kSub + index % kSub;
    return static_cast<double>(((mantissa + 1) << e) - 1) * resolution;
}

void Histogram::record(double value) {
    if (!std::isfinite(value)) return;
    const double scaled = std::clamp(value / resolution, 0.0, kMaxUnits);
    const auto units = static_cast<std::int64_t>(std::llround(scaled));
    ++buckets[index_of(units)];
    min_units = count == 0 ? units : std::min(min_units, units);
    max_units = count == 0 ? units : std::max(max_units, units);
    sum_units += units;
    ++count;
}

void Histogram::merge(const Histogram& other) {
    if (other.count == 0) return;
    if (count != 0 && other.resolution != resolution) {
        throw std::invalid_argument("histograms of different resolutions cannot be merged");
    }
    if (count == 0) resolution = other.resolution;
    for (const auto& [index, n] : other.buckets) buckets[index] += n;
    min_units = count == 0 ? other.min_units : std::min(min_units, other.min_units);
    max_units = count == 0 ? other.max_units : std::max(max_units, other.max_units);
    sum_units += other.sum_units;
    count += other.count;
}

double Histogram::mean() const {
    return count == 0 ? 0
                      : static_cast<double>(sum_units) * resolution / static_cast<double>(count);
}

double Histogram::quantile(double q) const {
    if (count == 0) return 0;
    const double wanted = std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(count));
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(wanted));
    std::uint64_t seen = 0;
    for (const auto& [index, n] : buckets) {
        seen += n;
        if (seen >= rank) return std::min(bucket_high(index), max());
    }
    return max();
}

}  // namespace reports
