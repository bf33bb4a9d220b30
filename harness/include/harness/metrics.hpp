#pragma once
// The measurements every report carries, per call and aggregated (CHECKLIST.md): time to
// first token (request sent to first token received), inter-token latency (between
// consecutive tokens of one stream), end-to-end time, tokens per second, and relay lag
// (client arrival minus the upstream's emission time, both wall clock on one machine).
#include <cstdint>
#include <string>
#include <vector>

#include "harness/call_record.hpp"

namespace harness {

struct Percentiles {
    std::size_t count = 0;
    double min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0, mean = 0;
};

// Nearest-rank percentiles (the value at rank ceil(q * n)); all zero when empty.
Percentiles percentiles(std::vector<double> values);
// One nearest-rank percentile of values sorted ascending; q in [0, 1]; 0 when empty
// (common::nearest_rank, the rule reports::summarize uses too).
double percentile_sorted(const std::vector<double>& sorted, double q);

// One call's figures, by the definitions in reports/call_figures.hpp (which merge uses too).
struct CallMetrics {
    std::uint64_t tokens = 0;
    double ttft_ms = -1;             // -1: no token, or the send time is unknown
    std::vector<double> itl_ms;      // tokens - 1 values (empty unless tokens were kept)
    double e2e_ms = -1;              // sent to response; -1: no response
    double tokens_per_s = 0;         // tokens / end-to-end time
    double stream_tokens_per_s = 0;  // (tokens - 1) / (last - first arrival)
    double first_to_last_ms = 0;     // span of the stream at the client
    std::vector<double> lag_ms;      // per token with a known emission time
};

// `emitted_wall_us[i]`: when the upstream emitted token i (wall µs), e.g. the mock's t_us;
// lags are computed for the tokens both sides have.
CallMetrics call_metrics(const CallRecord& call,
                         const std::vector<std::int64_t>& emitted_wall_us = {});

// ASCII white space trimmed at both ends (as the server trims summaries).
std::string trim_ascii(std::string_view s);

}  // namespace harness
