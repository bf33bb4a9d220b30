#pragma once
// How far the mock's wall clock is from ours. Relay lag subtracts the mock's emission stamp
// from our arrival stamp: on two machines that difference carries the clocks' offset. NTP is
// not ours to fix; each shard measures the offset (a few round trips, the shortest one kept:
// offset = mock - midpoint of send and receive, uncertain by half that round trip) and the
// report says how much skew the figures can carry.
#include <cstdint>
#include <string>
#include <vector>

namespace harness {

class MockAdmin;

struct ClockOffset {
    std::string peer;                 // the mock's URL
    std::int64_t offset_us = 0;       // the mock's clock minus ours
    std::int64_t uncertainty_us = 0;  // half the shortest round trip
    int samples = 0;
};

// One round trip: our clock before sending and after receiving, the mock's in between.
struct ClockSample {
    std::int64_t sent_us = 0, peer_us = 0, received_us = 0;
};

// The estimate from the sample with the shortest round trip (zeros without samples).
ClockOffset clock_offset(const std::vector<ClockSample>& samples, const std::string& peer);

// `samples` round trips to GET /_mock/clock (blocking: never on an event-loop thread).
ClockOffset probe_clock(const MockAdmin& admin, const std::string& peer, int samples = 5);

}  // namespace harness
