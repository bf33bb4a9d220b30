#include "common/clock.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <string_view>

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

using ::testing::HasSubstr;

std::string rfc3339_error(std::string_view text) {
    try {
        common::parse_rfc3339_us(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(Clock, ParseRfc3339ReadsUtcOffsetsAndFractions) {
    EXPECT_EQ(common::parse_rfc3339_us("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(common::parse_rfc3339_us("2026-12-04T23:10:00Z"), 1'796'425'800'000'000);
    EXPECT_EQ(common::parse_rfc3339_us("2026-12-04T23:10:00.25Z"), 1'796'425'800'250'000);
    EXPECT_EQ(common::parse_rfc3339_us("2026-12-04T23:10:00.123456789Z"), 1'796'425'800'123'456);
    EXPECT_EQ(common::parse_rfc3339_us("2026-12-05T00:10:00+01:00"), 1'796'425'800'000'000);
    EXPECT_EQ(common::parse_rfc3339_us("2026-12-04t18:10:00-05:00"), 1'796'425'800'000'000);
    EXPECT_EQ(common::parse_rfc3339_us("2024-02-29T00:00:00Z"), 1'709'164'800'000'000);  // leap day
    // What rfc3339_micros writes, it reads.
    const std::int64_t now = common::wall_micros();
    EXPECT_EQ(common::parse_rfc3339_us(common::rfc3339_micros(now)), now);
}

TEST(Clock, ParseRfc3339RefusesMalformedTimesSayingWhy) {
    EXPECT_THAT(rfc3339_error(""), HasSubstr("expected the year"));
    EXPECT_THAT(rfc3339_error("tomorrow"), HasSubstr("expected the year"));
    EXPECT_THAT(rfc3339_error("2026-13-01T00:00:00Z"), HasSubstr("bad month"));
    EXPECT_THAT(rfc3339_error("2026-02-29T00:00:00Z"), HasSubstr("bad day"));  // not a leap year
    EXPECT_THAT(rfc3339_error("2026-04-31T00:00:00Z"), HasSubstr("bad day"));
    EXPECT_THAT(rfc3339_error("2026-12-04 23:10Z"), HasSubstr("bad minute"));
    EXPECT_THAT(rfc3339_error("2026-12-04T24:00:00Z"), HasSubstr("bad hour"));
    EXPECT_THAT(rfc3339_error("2026-12-04T23:60:00Z"), HasSubstr("bad minute"));
    EXPECT_THAT(rfc3339_error("2026-12-04T23:10:61Z"), HasSubstr("bad second"));
    EXPECT_THAT(rfc3339_error("2026-12-04T23:10:00"), HasSubstr("expected Z or an offset"));
    EXPECT_THAT(rfc3339_error("2026-12-04T23:10:00.Z"), HasSubstr("digits after the decimal"));
    EXPECT_THAT(rfc3339_error("2026-12-04T23:10:00+1:00"), HasSubstr("bad offset hour"));
    EXPECT_THAT(rfc3339_error("2026-12-04T23:10:00+01:60"), HasSubstr("bad offset minute"));
    EXPECT_THAT(rfc3339_error("2026-12-04T23:10:00Zjunk"), HasSubstr("unexpected text"));
    EXPECT_THAT(rfc3339_error("2026-12-04"), HasSubstr("expected T"));
    EXPECT_THAT(rfc3339_error("+026-12-04T23:10:00Z"), HasSubstr("expected the year"));
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
