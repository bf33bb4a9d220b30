// Nearest-rank percentiles.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "common/percentile.hpp"
#include "reports/report.hpp"

namespace {

TEST(Summarize, NearestRankOnOneToHundred) {
    std::vector<double> v(100);
    std::iota(v.begin(), v.end(), 1.0);
    std::reverse(v.begin(), v.end());  // input order must not matter
    const auto d = reports::summarize("ttft", "ms", v);
    EXPECT_EQ(d.name, "ttft");
    EXPECT_EQ(d.unit, "ms");
    EXPECT_EQ(d.count, 100u);
    EXPECT_EQ(d.p50, 50.0);
    EXPECT_EQ(d.p90, 90.0);
    EXPECT_EQ(d.p99, 99.0);
    EXPECT_EQ(d.max, 100.0);
    EXPECT_DOUBLE_EQ(d.mean, 50.5);
}

TEST(Summarize, NearestRankRoundsUp) {
    const auto d = reports::summarize("x", "ms", {10, 20, 30});
    EXPECT_EQ(d.p50, 20.0);  // rank ceil(1.5) = 2
    EXPECT_EQ(d.p90, 30.0);  // rank ceil(2.7) = 3
    EXPECT_EQ(d.p99, 30.0);
}

TEST(Summarize, ExactRanksAreNotBumpedByRounding) {
    std::vector<double> v(10);
    std::iota(v.begin(), v.end(), 1.0);
    const auto d = reports::summarize("x", "ms", v);
    EXPECT_EQ(d.p90, 9.0);  // rank exactly 9, not 10
    EXPECT_EQ(d.p50, 5.0);
}

TEST(Summarize, SingleValue) {
    const auto d = reports::summarize("x", "ms", {7.5});
    EXPECT_EQ(d.count, 1u);
    EXPECT_EQ(d.p50, 7.5);
    EXPECT_EQ(d.p99, 7.5);
    EXPECT_EQ(d.mean, 7.5);
}

TEST(Summarize, EmptyIsCountZero) {
    const auto d = reports::summarize("x", "ms", {});
    EXPECT_EQ(d.count, 0u);
    EXPECT_EQ(d.p50, 0.0);
    EXPECT_EQ(d.max, 0.0);
    EXPECT_EQ(d.mean, 0.0);
}

TEST(Summarize, NonFiniteValuesAreDropped) {
    const auto d = reports::summarize("x", "ms",
                                      {std::numeric_limits<double>::quiet_NaN(), 4.0,
                                       std::numeric_limits<double>::infinity(), 2.0});
    EXPECT_EQ(d.count, 2u);
    EXPECT_EQ(d.max, 4.0);
    EXPECT_EQ(d.mean, 3.0);
}

}  // namespace

namespace {

// summarize() selects its percentiles instead of sorting: for every size and order it must
// give what nearest rank over the sorted values gives.
TEST(Summarize, SelectionAgreesWithNearestRankOfTheSortedValues) {
    std::uint64_t state = 42;
    const auto next = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 40) / 1024.0;
    };
    for (std::size_t n = 1; n <= 300; ++n) {
        std::vector<double> v(n);
        for (auto& x : v) x = n % 3 == 0 ? std::floor(next() / 4096) : next();  // ties too
        auto sorted = v;
        std::sort(sorted.begin(), sorted.end());
        const auto d = reports::summarize("x", "ms", v);
        ASSERT_EQ(d.p50, common::nearest_rank(sorted, 0.50)) << n;
        ASSERT_EQ(d.p90, common::nearest_rank(sorted, 0.90)) << n;
        ASSERT_EQ(d.p99, common::nearest_rank(sorted, 0.99)) << n;
        ASSERT_EQ(d.max, sorted.back()) << n;
    }
}

}  // namespace
