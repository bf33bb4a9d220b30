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

TEST(Clock, ScaledRoundsToTheNearestUnitAndKeepsAPositiveDurationPositive) {
    using std::chrono::milliseconds;
    using std::chrono::nanoseconds;
    // The server's timers (ms): nearest millisecond, never below one.
    EXPECT_EQ(common::scaled(milliseconds(30'000), 0.01), milliseconds(300));
    EXPECT_EQ(common::scaled(milliseconds(1'234), 0.5), milliseconds(617));
    EXPECT_EQ(common::scaled(milliseconds(149), 0.01), milliseconds(1));  // 1.49 -> 1
    EXPECT_EQ(common::scaled(milliseconds(151), 0.01), milliseconds(2));  // 1.51 -> 2
    EXPECT_EQ(common::scaled(milliseconds(10), 1e-6), milliseconds(1));   // not zero: not "off"
    // The mock's schedules (ns): the same rule at nanosecond resolution.
    EXPECT_EQ(common::scaled(nanoseconds(250'000), 0.01), nanoseconds(2'500));
    EXPECT_EQ(common::scaled(nanoseconds(3), 0.5), nanoseconds(2));
    EXPECT_EQ(common::scaled(nanoseconds(1), 1e-6), nanoseconds(1));
    // Zero stays "off"; a negative duration is left alone.
    EXPECT_EQ(common::scaled(milliseconds(0), 0.01), milliseconds(0));
    EXPECT_EQ(common::scaled(milliseconds(-5), 0.01), milliseconds(-5));
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

TEST(Clock, AppendRfc3339NanosMatchesTheAllocatingFormAcrossSecondsAndDays) {
    // The cached prefix must follow every change of second, minute and day, and never keep a
    // stale date: walk over a day boundary one 0.3 s step at a time, and across years.
    using namespace std::chrono;
    using common::SystemClock;
    const SystemClock::time_point starts[] = {
        SystemClock::time_point(seconds(1691139139) + nanoseconds(385406455)),
        SystemClock::time_point(seconds(1703980799)),  // 2023-12-30T23:59:59Z
        SystemClock::time_point(seconds(1704067198)),  // 2023-12-31T23:59:58Z
        SystemClock::time_point(seconds(0)),
    };
    for (const auto start : starts) {
        for (int i = 0; i < 12; ++i) {
            const auto t = start + milliseconds(300 * i) + nanoseconds(i);
            std::string out = "x";
            common::append_rfc3339_nanos(out, t);
            EXPECT_EQ(out, "x" + common::rfc3339_nanos(t)) << i;
        }
    }
}

TEST(Clock, AppendRfc3339NanosPadsSmallFractions) {
    using namespace std::chrono;
    std::string out;
    common::append_rfc3339_nanos(
        out, common::SystemClock::time_point(seconds(1691139139) + nanoseconds(5)));
    EXPECT_EQ(out, "2023-08-04T08:52:19.000000005Z");
}
