#include "harness/clock_probe.hpp"

#include "common/clock.hpp"
#include "harness/mock_admin.hpp"

namespace harness {

ClockOffset clock_offset(const std::vector<ClockSample>& samples, const std::string& peer) {
    ClockOffset out;
    out.peer = peer;
    out.samples = static_cast<int>(samples.size());
    const ClockSample* best = nullptr;
    for (const auto& s : samples) {
        if (best == nullptr || s.received_us - s.sent_us < best->received_us - best->sent_us) {
            best = &s;
        }
    }
    if (best == nullptr) return out;
    const std::int64_t rtt = best->received_us - best->sent_us;
    // The mock read its clock somewhere in the round trip: the midpoint is the best guess,
    // and half the round trip the most it can be off by.
    out.offset_us = best->peer_us - (best->sent_us + rtt / 2);
    out.uncertainty_us = (rtt + 1) / 2;
    return out;
}

ClockOffset probe_clock(const MockAdmin& admin, const std::string& peer, int samples) {
    std::vector<ClockSample> taken;
    for (int i = 0; i < samples; ++i) {
        ClockSample s;
        s.sent_us = common::wall_micros();
        s.peer_us = admin.clock().wall_us;
        s.received_us = common::wall_micros();
        taken.push_back(s);
    }
    return clock_offset(taken, peer);
}

}  // namespace harness
