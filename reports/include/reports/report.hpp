#pragma once
// The report model: what one harness run decided and measured. The harness fills it; the
// renderers (markdown.hpp, junit.hpp, json.hpp, terminal.hpp) only read it, and json.hpp reads
// it back from a saved report.json (re-rendering, baselines, regression comparison).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/histogram.hpp"
#include "reports/samples.hpp"

namespace reports {

enum class Status {
    passed,
    failed,
    skipped,
    error,             // the check could not be decided (harness problem, not a verdict)
    expected_failure,  // failed, but listed in the baseline
};

// "passed", "failed", "skipped", "error", "expected_failure" (the report.json spelling).
std::string_view to_string(Status s);
// Inverse of to_string; std::nullopt for anything else.
std::optional<Status> status_from_string(std::string_view s);

// One piece of evidence for a verdict; every field may be empty (absent).
struct Evidence {
    std::string call;                        // e.g. "summarize#3" or a JSON-RPC id
    std::optional<std::size_t> token_index;  // 0-based index of the token in its stream
    std::string expected;
    std::string got;
    std::string detail;

    bool operator==(const Evidence&) const = default;
};

struct CheckResult {
    std::string id;     // a CHECKLIST.md id, e.g. "stream.order"
    std::string title;  // short human title; empty: the catalog title for the id is used
    Status status = Status::passed;
    // Set by apply_baseline on a passed check that the baseline expected to fail, so that
    // the baseline can shrink.
    bool now_passing_in_baseline = false;
    std::string message;  // one line: why it failed / was skipped
    std::vector<Evidence> evidence;
    std::vector<std::string> warnings;  // reported whatever the status (e.g. CSV formula)
    double seconds = 0;
    // Items the rule was applied to, e.g. 98 of 100 calls ordered. total_items == 0: none.
    std::size_t passed_items = 0;
    std::size_t total_items = 0;
    std::string item_unit = "calls";  // what an item is, plural: "calls", "rows", "tokens"

    bool operator==(const CheckResult&) const = default;
};

// A latency or throughput distribution, summarised.
struct Distribution {
    std::string name;  // a metric key (see metric_definitions) or any other name
    std::string unit;  // "ms", "tokens/s", ...
    std::size_t count = 0;
    double p50 = 0;
    double p90 = 0;
    double p99 = 0;
    double max = 0;
    double mean = 0;
    // Every value, bucketed (report.json schema 2 on); empty in a report read from schema 1.
    Histogram histogram;

    bool operator==(const Distribution&) const = default;
};

// Nearest-rank percentiles (the value at rank ceil(p/100 * n) of the sorted values) and the
// mean. Non-finite values (NaN, inf) are dropped; no values left: count 0 and all zeros.
Distribution summarize(std::string name, std::string unit, std::vector<double> values);

struct Counts {
    std::size_t checks = 0;  // check results, summed over scenarios
    std::size_t passed = 0;
    std::size_t failed = 0;
    std::size_t errors = 0;
    std::size_t skipped = 0;
    std::size_t expected_failures = 0;
    std::size_t now_passing_in_baseline = 0;
    std::size_t harness_errors = 0;  // scenarios with a harness_error

    bool operator==(const Counts&) const = default;
};

struct ScenarioResult {
    std::string name;
    std::string file;
    std::string description;
    double seconds = 0;
    std::vector<CheckResult> checks;
    std::vector<Distribution> metrics;
    // Raw timings per generate call: written to samples.jsonl, not to report.json.
    std::vector<CallSamples> samples;
    // Non-empty when the harness could not run the scenario to the end (server did not
    // start, scenario file invalid, ...): the scenario's verdicts are incomplete.
    std::string harness_error;
    // (name, text), e.g. ("server log (last 50 lines)", "...") attached on failure.
    std::vector<std::pair<std::string, std::string>> attachments;
    nlohmann::json extra = nlohmann::json::object();  // free-form, carried through untouched

    Counts counts() const;
    bool operator==(const ScenarioResult&) const = default;
};

struct RunReport {
    std::string tool_version;
    std::string started_at;  // RFC 3339, e.g. 2025-01-31T12:00:00.123Z
    double seconds = 0;
    // time_scale, seed, server_url, filter, jobs, ... as given on the command line.
    nlohmann::json options = nlohmann::json::object();
    std::vector<ScenarioResult> scenarios;

    Counts counts() const;
    // The `suite.all_pass` rollup: at least one check, every check passed, skipped or is an
    // expected failure, and no scenario has a harness_error. A run that decided nothing (a
    // filter that matched no check) does not pass.
    bool all_passed() const;
    bool operator==(const RunReport&) const = default;
};

// Process exit code for a run (documented in reports/README.md):
//   0  every check passed, was skipped or is an expected failure (all_passed())
//   1  at least one check failed (and nothing below applies)
//   2  the run is incomplete: a harness error, a check in status `error`, or no check at all.
//      This wins over 1, because failures counted from an incomplete run are not the verdict.
int exit_code(const RunReport& report);

// The docs/checklist.md checks in checklist order (renderers list checks in this order): the
// rows of check_table.inc, then suite.all_pass.
struct CheckInfo {
    std::string_view id;
    std::string_view title;  // short, for one checklist line
};
const std::vector<CheckInfo>& check_catalog();
// Catalog title for `id`, empty when the id is not in the catalog.
std::string_view catalog_title(std::string_view id);
// Position of `id` in the catalog, catalog size when unknown.
std::size_t catalog_rank(std::string_view id);

inline constexpr std::string_view kSuiteAllPass = "suite.all_pass";

// What each metric measures, as the checklist.md definitions section prints it. `key` is the
// Distribution::name the harness uses for that metric.
struct MetricDefinition {
    std::string_view key;    // "ttft", "itl", "relay_lag", "e2e", "tokens_per_s_stream", ...
    std::string_view label;  // "TTFT", ...
    std::string_view definition;
};
const std::vector<MetricDefinition>& metric_definitions();
// Label for a metric key; the key itself when unknown.
std::string_view metric_label(std::string_view key);

}  // namespace reports
