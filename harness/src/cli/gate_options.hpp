#pragma once
// The regression gate's options, shared by `mcp-harness compare OLD NEW` and `run
// --compare-to OLD`: bound to a CLI11 subcommand, then resolved into reports::CompareOptions
// (docs/mcp-harness.md, "Regression gate").
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <CLI/App.hpp>

#include "reports/compare.hpp"

namespace harness::cli {

struct GateArgs {
    std::string max_regression;   // "ttft.p99=10%,..."; replaces the default thresholds
    std::string thresholds_file;  // JSON, reports::parse_thresholds_file
    std::string min_change;       // "0.5ms,1tokens/s"
    std::optional<std::size_t> min_count;
};

struct CompareArgs {
    std::string old_report, new_report;  // report.json files or folders holding one
    std::string out = "harness-report";
    GateArgs gate;
};

// Adds --max-regression, --thresholds, --min-change and --min-count to `sub`.
void add_gate_options(CLI::App& sub, GateArgs& gate);
// Adds the `compare` subcommand.
void setup_compare(CLI::App& app, CompareArgs& args);

// The thresholds, noise floor and minimum count the options give, over the defaults. Throws
// std::invalid_argument naming the option and the bad item (or the unreadable file).
reports::CompareOptions resolve_gate(const GateArgs& gate);
// A report.json, or a folder holding one, read; `label` is the file's path. Throws
// std::invalid_argument naming the path and what is wrong (missing, not a report.json).
struct LoadedReport {
    std::string label;
    reports::RunReport report;
};
LoadedReport load_report(const std::string& path);

// A comparison, ready: OLD read (and NEW, for `compare`), the thresholds resolved.
struct GateConfig {
    LoadedReport old_run;
    reports::CompareOptions options;
    std::string out;  // where compare.md and compare.xml go
};
struct CompareConfig {
    GateConfig gate;
    LoadedReport new_run;
};
CompareConfig resolve_compare(const CompareArgs& args);

// True when any gate option was given (run refuses them without --compare-to).
bool any_gate_option(const GateArgs& gate);

}  // namespace harness::cli
