#include "common/percentile.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace {

std::vector<double> one_to(int n) {
    std::vector<double> v;
    for (int i = 1; i <= n; ++i) v.push_back(i);
    return v;
}

TEST(NearestRank, IsTheValueAtRankCeilQn) {
    const auto v = one_to(100);
    EXPECT_EQ(common::nearest_rank(v, 0.50), 50);
    EXPECT_EQ(common::nearest_rank(v, 0.90), 90);
    EXPECT_EQ(common::nearest_rank(v, 0.99), 99);
    EXPECT_EQ(common::nearest_rank({10, 20, 30}, 0.50), 20);  // rank ceil(1.5) = 2
    EXPECT_EQ(common::nearest_rank({10, 20, 30}, 0.90), 30);  // rank ceil(2.7) = 3
}

TEST(NearestRank, ExactRanksAreNotRoundedUp) {
    // 0.07 * 100 is 7.000000000000001 in doubles: a float ceil would give rank 8.
    EXPECT_EQ(common::nearest_rank(one_to(100), 0.07), 7);
    EXPECT_EQ(common::nearest_rank(one_to(10), 0.90), 9);
}

TEST(NearestRank, EdgesAndOutOfRangeQuantiles) {
    EXPECT_EQ(common::nearest_rank({}, 0.5), 0);
    EXPECT_EQ(common::nearest_rank({7}, 0.5), 7);
    EXPECT_EQ(common::nearest_rank({1, 2, 3}, 0.0), 1);  // rank 0 becomes 1
    EXPECT_EQ(common::nearest_rank({1, 2, 3}, 1.0), 3);
    EXPECT_EQ(common::nearest_rank({1, 2, 3}, -4.0), 1);  // clamped
    EXPECT_EQ(common::nearest_rank({1, 2, 3}, 9.0), 3);
    EXPECT_EQ(common::nearest_rank({1, 2, 3}, std::numeric_limits<double>::quiet_NaN()), 1);
}

}  // namespace
