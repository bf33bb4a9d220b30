#pragma once
// What report.json says of one scenario's shard (extra.shard; docs/mcp-harness.md): which
// shard, split how, the clients it ran, its time window and tokens, and the clock evidence
// against the mock, so that `mcp-harness merge` can add shards up and state their skew.
#include <nlohmann/json.hpp>

#include "harness/run_record.hpp"
#include "harness/scenario.hpp"

namespace harness {

// How many client indices extra.shard lists (the first ones): enough to see the pattern.
inline constexpr std::size_t kListedClientIndices = 8;

// extra.shard of a scenario run with --shard (scenario.shard set).
nlohmann::json shard_extra(const Scenario& scenario, const ScenarioRun& run);

}  // namespace harness
