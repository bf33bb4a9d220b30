#pragma once
// THE definitions of one generate call's figures (the metrics of docs/mcp-harness.md): the
// harness derives them from what its client recorded (harness/src/checks/call_metrics.cpp) and
// `merge` derives them again from samples.jsonl (src/merge/metrics.cpp); both call these, so a
// merged percentile means what a shard's does. Instants are µs on one clock per figure, chosen
// by the caller (the harness: steady for durations within its process, wall for relay lag
// against another process's stamps; samples: wall since the scenario start). An instant the
// caller does not know is nullopt: each record has its own "unknown" (-1 in samples, 0 in a
// CallRecord), so mapping it is the caller's. Durations come back in ms, rates in tokens/s.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace reports::call_figures {

using Instant = std::optional<std::int64_t>;

// Time to first token: the request sent to the first token's arrival.
std::optional<double> ttft_ms(Instant sent_us, Instant first_arrival_us);

// End to end: the request sent to the response's arrival.
std::optional<double> e2e_ms(Instant sent_us, Instant response_us);

// All `tokens` over the end-to-end time; nullopt unless that time is known and positive.
std::optional<double> tokens_per_s(std::uint64_t tokens, std::optional<double> e2e_ms);

// The stream's span at the client, first to last arrival; nullopt unless at least 2 tokens came
// and the last after the first (one token, or all at once, has no rate).
std::optional<double> stream_span_ms(std::uint64_t tokens, std::int64_t first_arrival_us,
                                     std::int64_t last_arrival_us);

// The stream's rate: (tokens - 1) over its span, since the first token's wait is ttft's, not
// the stream's; nullopt when stream_span_ms is.
std::optional<double> stream_tokens_per_s(std::uint64_t tokens, std::int64_t first_arrival_us,
                                          std::int64_t last_arrival_us);

// Inter-token latency: one value per consecutive pair of arrivals (given in arrival order).
std::vector<double> itl_ms(std::span<const std::int64_t> arrived_us);

// Relay lag: arrival i minus emission i, for the tokens both sides have (the first
// min(arrived, emitted)); may be negative when the two clocks disagree.
std::vector<double> relay_lag_ms(std::span<const std::int64_t> arrived_us,
                                 std::span<const std::int64_t> emitted_us);

}  // namespace reports::call_figures
