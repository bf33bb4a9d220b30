#include "mock_ollama/schedule.hpp"

#include <gtest/gtest.h>

namespace {

using mock_ollama::emission_offsets;
using mock_ollama::Pacing;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

Pacing pacing(double ttft_ms, double tps, double jitter) {
    Pacing p;
    p.ttft = nanoseconds(static_cast<std::int64_t>(ttft_ms * 1e6));
    p.tps = tps;
    p.jitter = jitter;
    return p;
}

TEST(Schedule, FirstTokenAtTtftThenOneGapPerToken) {
    const auto o = emission_offsets(1, pacing(200, 50, 0), 5, 1.0, {});
    ASSERT_EQ(o.size(), 5u);
    EXPECT_EQ(o[0], milliseconds(200));
    EXPECT_EQ(o[1], milliseconds(220));
    EXPECT_EQ(o[4], milliseconds(280));
}

TEST(Schedule, RateOverALongStreamIsExact) {
    const auto o = emission_offsets(1, pacing(0, 50, 0), 500, 1.0, {});
    const double span_s = std::chrono::duration<double>(o.back() - o.front()).count();
    EXPECT_NEAR(499 / span_s, 50.0, 1e-6);
}

TEST(Schedule, TimeScaleScalesEveryOffset) {
    const auto full = emission_offsets(9, pacing(1000, 10, 0.3), 20, 1.0, {});
    const auto fast = emission_offsets(9, pacing(1000, 10, 0.3), 20, 0.01, {});
    for (std::size_t i = 0; i < full.size(); ++i) {
        EXPECT_NEAR(static_cast<double>(fast[i].count()), full[i].count() * 0.01, 2.0) << i;
    }
}

TEST(Schedule, JitterIsSeededAndBounded) {
    const auto a = emission_offsets(42, pacing(0, 100, 0.5), 200, 1.0, {});
    const auto b = emission_offsets(42, pacing(0, 100, 0.5), 200, 1.0, {});
    const auto c = emission_offsets(43, pacing(0, 100, 0.5), 200, 1.0, {});
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    bool varied = false;
    for (std::size_t i = 1; i < a.size(); ++i) {
        const auto gap = a[i] - a[i - 1];
        EXPECT_GE(gap, milliseconds(5) - nanoseconds(1)) << i;  // 10 ms * (1 - 0.5)
        EXPECT_LE(gap, milliseconds(15) + nanoseconds(1)) << i;
        varied |= gap != milliseconds(10);
    }
    EXPECT_TRUE(varied);
}

TEST(Schedule, OffsetsNeverDecrease) {
    const auto o = emission_offsets(3, pacing(5, 1000, 1.0), 1000, 1.0, {});
    for (std::size_t i = 1; i < o.size(); ++i) EXPECT_GE(o[i], o[i - 1]) << i;
}

TEST(Schedule, ScriptDelaysReplaceThePacing) {
    const auto o = emission_offsets(1, pacing(999, 1, 0), 3, 0.5, {100, 20, 40});
    ASSERT_EQ(o.size(), 3u);
    EXPECT_EQ(o[0], milliseconds(50));
    EXPECT_EQ(o[1], milliseconds(60));
    EXPECT_EQ(o[2], milliseconds(80));
}

TEST(Schedule, ZeroTokensGiveAnEmptySchedule) {
    EXPECT_TRUE(emission_offsets(1, pacing(10, 10, 0), 0, 1.0, {}).empty());
}

}  // namespace
