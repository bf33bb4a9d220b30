#include "mock_ollama/schedule.hpp"

#include "common/clock.hpp"
#include "common/rng.hpp"

namespace mock_ollama {

std::vector<std::chrono::nanoseconds> emission_offsets(
    std::uint64_t key, const Pacing& pacing, std::size_t count, double time_scale,
    const std::vector<double>& script_delays_ms) {
    using std::chrono::nanoseconds;
    std::vector<nanoseconds> out;
    out.reserve(count);
    if (!script_delays_ms.empty()) {
        double t_ms = 0;
        for (std::size_t i = 0; i < count; ++i) {
            t_ms += i < script_delays_ms.size() ? script_delays_ms[i] : 0.0;
            out.push_back(
                common::scaled(nanoseconds(static_cast<std::int64_t>(t_ms * 1e6)), time_scale));
        }
        return out;
    }
    // A separate stream from the text's, so changing the jitter never changes the words.
    common::Rng rng(key ^ 0x6a09e667f3bcc908ULL);
    const double gap_ns = pacing.tps > 0 ? 1e9 / pacing.tps : 0.0;
    double t_ns = static_cast<double>(pacing.ttft.count());
    for (std::size_t i = 0; i < count; ++i) {
        if (i > 0) {
            double g = gap_ns;
            if (pacing.jitter > 0) g *= 1.0 + rng.symmetric() * pacing.jitter;
            t_ns += g < 0 ? 0 : g;
        }
        out.push_back(common::scaled(nanoseconds(static_cast<std::int64_t>(t_ns)), time_scale));
    }
    return out;
}

}  // namespace mock_ollama
