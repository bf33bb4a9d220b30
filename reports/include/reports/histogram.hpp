#pragma once
// A mergeable distribution for report.json: log-linear buckets (HdrHistogram's scheme) over
// integer multiples of a resolution, stored sparsely. Two histograms with the same resolution
// merge exactly (bucket counts, count, min, max and sum are integers that add or compare), so
// shards and half-runs combine into the histogram of the whole run, bucket for bucket; and the
// HTML report draws its histograms from these buckets.
//
// Bucketing of a value v >= 0, first rounded to units u = llround(v / resolution):
//   u < 2^kSubBucketBits: index u (exact)
//   otherwise, with e = floor(log2 u) - kSubBucketBits + 1 (so u >> e has kSubBucketBits + 1
//   bits): index = (e + 1) * 2^(kSubBucketBits) + ((u >> e) - 2^kSubBucketBits)
// A bucket is at most 2^-kSubBucketBits of its value wide (1.6 % for 6 bits).
#include <cstdint>
#include <map>

namespace reports {

struct Histogram {
    static constexpr int kSubBucketBits = 6;

    double resolution = 0.001;  // one unit in the metric's unit: 0.001 ms = 1 µs
    std::map<std::int32_t, std::uint64_t> buckets;  // index -> count; only non-zero counts
    std::uint64_t count = 0;
    std::int64_t min_units = 0;  // exact extremes and sum, in units (0 when empty)
    std::int64_t max_units = 0;
    std::int64_t sum_units = 0;

    // Records one value in the metric's unit. NaN and infinities are dropped; a negative
    // value counts as 0.
    void record(double value);
    // Adds `other` into this one. Throws std::invalid_argument when the resolutions differ.
    void merge(const Histogram& other);

    bool empty() const { return count == 0; }
    double min() const { return static_cast<double>(min_units) * resolution; }
    double max() const { return static_cast<double>(max_units) * resolution; }
    double mean() const;
    // The value at quantile q (0..1): the upper edge of the bucket holding rank ceil(q*count),
    // capped at max(); 0 when empty.
    double quantile(double q) const;
    // The values a bucket holds, in the metric's unit: [low, high].
    double bucket_low(std::int32_t index) const;
    double bucket_high(std::int32_t index) const;
    static std::int32_t index_of(std::int64_t units);
    // The highest index record() can produce (values are capped far beyond any latency): a
    // reader refuses indices above it, whose bucket edges would not fit in 64 bits.
    static std::int32_t max_index();

    bool operator==(const Histogram&) const = default;
};

}  // namespace reports
