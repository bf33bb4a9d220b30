#pragma once
// The raw timings of a run, one record per generate call: when it was sent, when each token
// the mock emitted left the mock, when each token arrived at the client, and when the
// response came. They are kept beside report.json as `samples.jsonl` (one JSON object per
// line, see docs/mcp-harness.md), so that distributions and timelines can be drawn or
// recomputed after the run, and re-read by `mcp-harness report --from`.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace reports {

struct RunReport;

struct CallSamples {
    std::string scenario;  // ScenarioResult::name
    std::string call;      // as evidence names it: "client 0 steps[1] generate 1 (id 3)"
    std::size_t client = 0;
    std::string patient_id;
    std::string outcome;  // "ok", "error", "cancelled", "timeout" (the call's end)
    // Wall-clock µs since the scenario started (one origin per scenario); -1: unknown.
    std::int64_t sent_us = -1;
    std::int64_t response_us = -1;
    std::vector<std::int64_t> arrived_us;  // each token received, in arrival order
    std::vector<std::int64_t> emitted_us;  // each token the mock emitted, in emission order
                                           // (empty when the mock's log is not known)

    bool operator==(const CallSamples&) const = default;
};

inline constexpr int kSamplesVersion = 1;
// A longer line is refused unread: ~100,000 tokens in one call at the delta encoding's few bytes
// per number fit many times over.
inline constexpr std::size_t kMaxSamplesLineBytes = std::size_t{16} << 20;

// samples.jsonl text: a header line {"samples_version":1}, then one line per call of every
// scenario, in scenario order (format in docs/mcp-harness.md).
std::string render_samples(const RunReport& report);

// Reads samples.jsonl text into `report`: each call is appended to the samples of the scenario
// of its name. Throws std::invalid_argument "samples.jsonl:LINE: ..." for a missing or other
// header, a line that is not JSON, a missing or mistyped field, a scenario the report does not
// have, or a line over kMaxSamplesLineBytes; `report` may then hold the lines before it.
void parse_samples(std::string_view text, RunReport& report);

}  // namespace reports
