// The clock offset against the mock: from the shortest round trip, offset = the mock's clock
// minus the midpoint of ours, uncertain by half that round trip.
#include "harness/clock_probe.hpp"

#include <gtest/gtest.h>

namespace harness {
namespace {

TEST(ClockProbe, TheShortestRoundTripDecides) {
    const auto o = clock_offset({{1000, 5000, 1400},   // rtt 400
                                 {2000, 6090, 2100},   // rtt 100: mock 6090 vs midpoint 2050
                                 {3000, 9000, 3300}},  // rtt 300
                                "http://m");
    EXPECT_EQ(o.peer, "http://m");
    EXPECT_EQ(o.samples, 3);
    EXPECT_EQ(o.offset_us, 4040);
    EXPECT_EQ(o.uncertainty_us, 50);
}

TEST(ClockProbe, AMockBehindUsHasANegativeOffset) {
    const auto o = clock_offset({{10'000, 9'000, 10'021}}, "p");
    EXPECT_EQ(o.offset_us, -1010);
    EXPECT_EQ(o.uncertainty_us, 11);  // half of 21, rounded up: never understated
}

TEST(ClockProbe, NoSampleNoOffset) {
    const auto o = clock_offset({}, "p");
    EXPECT_EQ(o.samples, 0);
    EXPECT_EQ(o.offset_us, 0);
}

}  // namespace
}  // namespace harness
