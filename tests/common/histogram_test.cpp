#include "common/histogram.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

TEST(Histogram, EmptyReportsZero) {
    common::Histogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.quantile(0.99), 0);
    EXPECT_EQ(h.max(), 0);
}

TEST(Histogram, SmallValuesAreExact) {
    common::Histogram h;
    for (int v = 1; v <= 50; ++v) h.record(v);
    EXPECT_EQ(h.quantile(0.5), 25);
    EXPECT_EQ(h.quantile(1.0), 50);
    EXPECT_DOUBLE_EQ(h.mean(), 25.5);
}

TEST(Histogram, LargeValuesWithinTwoPercent) {
    common::Histogram h;
    for (std::int64_t v = 1; v <= 100'000; ++v) h.record(v * 1000);  // 1 us .. 100 ms in ns
    for (double q : {0.5, 0.9, 0.99}) {
        const double exact = q * 100'000 * 1000;
        const double got = static_cast<double>(h.quantile(q));
        EXPECT_NEAR(got, exact, exact * 0.02) << "q=" << q;
    }
    EXPECT_EQ(h.max(), 100'000'000);
    EXPECT_LE(h.quantile(1.0), h.max());
}

TEST(Histogram, NegativeCountsAsZeroAndResetClears) {
    common::Histogram h;
    h.record(-5);
    EXPECT_EQ(h.quantile(0.5), 0);
    EXPECT_EQ(h.count(), 1u);
    h.reset();
    EXPECT_EQ(h.count(), 0u);
}

TEST(Histogram, ConcurrentRecordingLosesNothing) {
    common::Histogram h;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&h] {
            for (int i = 0; i < 10'000; ++i) h.record(i);
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(h.count(), 40'000u);
    EXPECT_EQ(h.max(), 9'999);
}

}  // namespace
