#pragma once
// `mcp-harness merge`: shard reports (or independent runs) combined into one run's report, a
// pure function of the reports as read (report.json, and samples.jsonl when a run wrote one).
//
// Shards (options.shard "I/N" in every input): each I in 1..N exactly once, the same N, tool
// version, seed and time_scale. A scenario split by clients (extra.shard.by "clients") must be
// in every shard, one run whole (by "scenario") in exactly one. Independent runs (no
// options.shard in any input) need the same tool version and time_scale; their scenarios are
// matched by name the same way, each run being one part.
//
// Per scenario (matched by name): each check decided over all parts (error if undecided in
// any, else failed if it failed in any, else expected_failure, else passed, else skipped),
// the failing parts named ("shard I/N: ...") in the message and in each evidence item's
// detail, items summed; each metric's histogram merged bucket by bucket; its percentiles
// recomputed from the merged samples when every part has them and they give the same number
// of values (else read off the merged histogram, and extra.percentiles_from says which);
// tokens/s total over the common window [min start, max end] of extra.shard.window. The
// merged scenario's extra carries "shards" (each part's dir, clients, tokens, window, clock
// offset and uncertainty) and "skew_bound_us" (max over parts of |offset| + uncertainty: how
// far the relay-lag figures can be off because clocks differ). The samples are kept, each
// part's moved from its own start to the common one (the earliest window start).
#include <string>
#include <vector>

#include "reports/report.hpp"

namespace reports {

struct MergeInput {
    std::string dir;  // where the run came from, as errors and extra.shards name it
    RunReport report;
    bool has_samples = false;  // its samples.jsonl was read into report's scenarios
};

// The merged run. Throws std::invalid_argument "DIR: FIELD: what is wrong" for an input that
// does not fit (a duplicate, missing or mismatched shard, a malformed extra.shard, histograms
// that cannot merge), or "no report to merge" for none.
RunReport merge_runs(std::vector<MergeInput> inputs);

// What the renderers (checklist.md, report.html) say under a merged scenario: its parts,
// their clock offsets, the skew bound and where the percentiles come from. Empty for a
// scenario that was not merged.
std::vector<std::string> merge_notes(const ScenarioResult& scenario);

}  // namespace reports
