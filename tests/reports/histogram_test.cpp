// reports::Histogram: where values land, how close its quantiles are to the exact ones, and
// that merging halves gives the whole, bucket for bucket.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "reports/histogram.hpp"

namespace {

using reports::Histogram;

// Resolution 1: a value is its own number of units, so the edges below are the scheme's own.
Histogram units_histogram() {
    Histogram h;
    h.resolution = 1;
    return h;
}

TEST(Histogram, BucketEdges) {
    // Below 2^6 every unit has its own bucket.
    EXPECT_EQ(Histogram::index_of(0), 0);
    EXPECT_EQ(Histogram::index_of(1), 1);
    EXPECT_EQ(Histogram::index_of(63), 63);
    // 64..127: still one unit per bucket (the mantissa has 7 bits there).
    EXPECT_EQ(Histogram::index_of(64), 64);
    EXPECT_EQ(Histogram::index_of(127), 127);
    // 128..255: two units per bucket.
    EXPECT_EQ(Histogram::index_of(128), 128);
    EXPECT_EQ(Histogram::index_of(129), 128);
    EXPECT_EQ(Histogram::index_of(130), 129);
    EXPECT_EQ(Histogram::index_of(255), 191);
    EXPECT_EQ(Histogram::index_of(256), 192);
    // Negative units (not produced by record) count as 0.
    EXPECT_EQ(Histogram::index_of(-5), 0);

    const Histogram h = units_histogram();
    EXPECT_EQ(h.bucket_low(128), 128);
    EXPECT_EQ(h.bucket_high(128), 129);
    EXPECT_EQ(h.bucket_low(63), 63);
    EXPECT_EQ(h.bucket_high(63), 63);
}

// Every value lies inside the bucket its index names, and buckets are at most 1/64 of their
// value wide, up to the largest value record() keeps.
TEST(Histogram, EveryValueLiesInItsBucket) {
    const Histogram h = units_histogram();
    std::vector<std::int64_t> values = {0, 1, 63, 64, 127, 128, 1000, 65535, 65536, 1'000'003};
    for (std::int64_t v = 1; v < 1'000'000'000'000'000; v = v * 3 + 1) values.push_back(v);
    for (const auto v : values) {
        const auto i = Histogram::index_of(v);
        EXPECT_LE(h.bucket_low(i), static_cast<double>(v)) << v;
        EXPECT_GE(h.bucket_high(i), static_cast<double>(v)) << v;
        EXPECT_LE(h.bucket_high(i) - h.bucket_low(i) + 1, std::max(1.0, v / 64.0)) << v;
        EXPECT_LE(i, Histogram::max_index()) << v;
    }
}

TEST(Histogram, LargeAndOddValues) {
    Histogram h;     // ms with 1 µs units
    h.record(1e12);  // beyond any latency: capped, still counted
    h.record(-3);    // counts as 0
    h.record(std::nan(""));
    h.record(INFINITY);
    EXPECT_EQ(h.count, 2u);
    EXPECT_EQ(h.min_units, 0);
    EXPECT_EQ(h.max_units, 1'000'000'000'000'000);
    EXPECT_EQ(h.buckets.rbegin()->first, Histogram::max_index());
}

// Nearest rank of the sorted values, the rule summarize() uses.
double nearest_rank(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::max<std::size_t>(rank, 1) - 1];
}

std::vector<double> latencies(std::size_t n, unsigned seed) {
    std::mt19937 gen(seed);
    std::lognormal_distribution<double> ms(3.0, 1.2);  // ~20 ms median, a long tail
    std::vector<double> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(ms(gen));
    return out;
}

TEST(Histogram, QuantilesWithinOneBucketOfExact) {
    const auto values = latencies(5000, 7);
    Histogram h;
    for (double v : values) h.record(v);
    for (double q : {0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0}) {
        const double exact = nearest_rank(values, q);
        const double got = h.quantile(q);
        // The upper edge of the exact value's bucket, never below the exact value.
        const auto exact_index = Histogram::index_of(std::llround(exact / h.resolution));
        EXPECT_GE(got, exact - h.resolution / 2) << q;
        EXPECT_LE(got, h.bucket_high(exact_index) + h.resolution / 2) << q;
        EXPECT_LE(got - exact, exact / 64 + h.resolution) << q;
    }
    EXPECT_DOUBLE_EQ(h.quantile(1.0), h.max());
    EXPECT_NEAR(
        h.mean(),
        [&] {
            double s = 0;
            for (double v : values) s += v;
            return s / static_cast<double>(values.size());
        }(),
        h.resolution);
}

TEST(Histogram, HalvesMergeIntoTheWhole) {
    const auto values = latencies(2001, 11);
    Histogram whole, first, second;
    for (std::size_t i = 0; i < values.size(); ++i) {
        whole.record(values[i]);
        (i % 2 == 0 ? first : second).record(values[i]);
    }
    ASSERT_NE(first, whole);
    Histogram merged = first;
    merged.merge(second);
    EXPECT_EQ(merged, whole);
    // In either order.
    Histogram other_way = second;
    other_way.merge(first);
    EXPECT_EQ(other_way, whole);
}

TEST(Histogram, EmptyMerges) {
    const auto values = latencies(100, 3);
    Histogram h;
    for (double v : values) h.record(v);
    const Histogram before = h;
    h.merge(Histogram{});
    EXPECT_EQ(h, before);
    Histogram empty;
    empty.merge(h);
    EXPECT_EQ(empty, h);
    Histogram none;
    none.merge(Histogram{});
    EXPECT_EQ(none, Histogram{});
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(none.quantile(0.5), 0);
}

TEST(Histogram, DifferentResolutionsDoNotMerge) {
    Histogram ms, tokens = units_histogram();
    ms.record(12.5);
    tokens.record(40);
    EXPECT_THROW(ms.merge(tokens), std::invalid_argument);
    // An empty histogram of another resolution takes the other's resolution.
    Histogram fresh = units_histogram();
    fresh.merge(ms);
    EXPECT_EQ(fresh, ms);
}

}  // namespace
