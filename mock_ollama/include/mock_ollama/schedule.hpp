#pragma once
// The emission schedule of one generation: when each token leaves, relative to the moment
// the request was received. Pure and deterministic, so the same request gives the same
// schedule on every run; the stream then waits on absolute deadlines, so timer lateness
// never accumulates into drift.
#include <chrono>
#include <cstdint>
#include <vector>

#include "mock_ollama/config.hpp"

namespace mock_ollama {

// `key` seeds the jitter; `script_delays_ms`, when non-empty, replaces ttft and tps (one
// delay before each token, unscaled). Every duration is multiplied by `time_scale`.
std::vector<std::chrono::nanoseconds> emission_offsets(std::uint64_t key, const Pacing& pacing,
                                                       std::size_t count, double time_scale,
                                                       const std::vector<double>& script_delays_ms);

}  // namespace mock_ollama
