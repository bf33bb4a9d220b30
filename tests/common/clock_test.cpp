#include "common/clock.hpp"

#include <gtest/gtest.h>

namespace {

TEST(Clock, Rfc3339NanosHasNineFractionDigitsAndZ) {
    const auto t = common::SystemClock::time_point(std::chrono::nanoseconds(1691139139385406455LL));
    EXPECT_EQ(common::rfc3339_nanos(t), "2023-08-04T08:52:19.385406455Z");
}

TEST(Clock, Rfc3339MicrosPadsTheFraction) {
    EXPECT_EQ(common::rfc3339_micros(1'000'000LL * 86400 + 42), "1970-01-02T00:00:00.000042Z");
}

TEST(Clock, ScaledMultipliesAndNeverGoesNegative) {
    using std::chrono::milliseconds;
    EXPECT_EQ(common::scaled(milliseconds(120'000), 0.01), milliseconds(1200));
    EXPECT_EQ(common::scaled(milliseconds(5), -1.0), std::chrono::nanoseconds(0));
}

TEST(Clock, WallMicrosIsCloseToSystemClock) {
    const auto a = common::wall_micros();
    const auto b = std::chrono::duration_cast<std::chrono::microseconds>(
                       common::SystemClock::now().time_since_epoch())
                       .count();
    EXPECT_LE(a, b);
    EXPECT_LT(b - a, 1'000'000);
}

}  // namespace
