// Nearest-rank percentiles.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numeric>

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
