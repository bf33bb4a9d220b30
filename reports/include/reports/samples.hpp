#pragma once
// The raw timings of a run, one record per generate call: when it was sent, when each token
// the mock emitted left the mock, when each token arrived at the client, and when the
// response came. They are kept beside report.json as `samples.jsonl` (one JSON object per
// line, see docs/mcp-harness.md), so that distributions and timelines can be drawn or
// recomputed after the run, and re-read by `mcp-harness report --from`.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace reports {

struct CallSamples {
    std::string scenario;  // ScenarioResult::name
    std::string call;      // as evidence names it: "client 0 steps[1] generate P001 (id 3)"
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

}  // namespace reports
