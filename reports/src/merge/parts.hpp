#pragma once
// The pieces of reports::merge_runs (merge.hpp), private to reports: the shard set checked
// (shard_set.cpp), then per scenario (scenario.cpp) its checks (checks.cpp), metrics
// (metrics.cpp) and extra (extra.cpp, shard_extra.cpp); merge.cpp puts the run together.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/merge.hpp"

namespace reports::merge_detail {

// An input's place in the merge: "shard I/N", or "run K/M" for independent runs.
struct Labeled {
    const MergeInput* input = nullptr;
    std::string label;
    std::size_t shard_count = 0;  // N; 0 for independent runs
};

// The inputs checked as a set and put in order (by shard index; independent runs as given),
// each with its label. Throws std::invalid_argument naming the input's dir and field.
std::vector<Labeled> check_inputs(const std::vector<MergeInput>& inputs);

// One scenario as one input reported it.
struct Part {
    const ScenarioResult* scenario = nullptr;
    const Labeled* from = nullptr;
};

// The check results of every part, matched by id in order of first appearance.
std::vector<CheckResult> merge_checks(const std::vector<Part>& parts);

// The metrics of every part, matched by name; `extra` gets "percentiles_from". Throws
// std::invalid_argument for histograms that cannot merge (different resolutions).
std::vector<Distribution> merge_metrics(const std::vector<Part>& parts, nlohmann::json& extra);

// A part's extra.shard as the shard wrote it (the contract of docs/mcp-harness.md, "merge"),
// read and checked; every field optional but its type. Throws std::invalid_argument naming
// the part's dir and the field.
struct Window {
    std::int64_t start_us = 0;  // wall µs
    std::int64_t end_us = 0;
};
struct Clock {
    double offset_us = 0;  // the mock's clock minus the shard's
    double uncertainty_us = 0;
};
struct ShardExtra {
    bool present = false;
    std::size_t index = 0, count = 0;
    std::string by;  // "clients" or "scenario"
    std::optional<std::size_t> clients;
    std::optional<Window> window;
    std::optional<double> tokens;
    std::optional<Clock> clock;
};
ShardExtra shard_extra(const Part& part);

// The common window [min start, max end] of the parts' windows; nullopt when a part has none.
std::optional<Window> common_window(const std::vector<Part>& parts);

// The merged scenario's extra: the first part's, with extra.shard replaced by "shards" (each
// part's dir, label and shard fields), the common "window", "skew_bound_us", and the totals
// ("tokens_received", "clients") summed, "calls" concatenated.
nlohmann::json merge_extra(const std::vector<Part>& parts);

// The scenario merged from its parts (scenario.cpp).
ScenarioResult merge_scenario(const std::vector<Part>& parts);

// "DIR: scenarios[NAME].FIELD" for error messages.
std::string where(const Part& part, const std::string& field);

}  // namespace reports::merge_detail
