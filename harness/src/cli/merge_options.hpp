#pragma once
// `mcp-harness merge DIR...`'s options: the report folders of a run's shards (or of
// independent runs) and where the merged reports go.
#include <set>
#include <string>
#include <vector>

#include <CLI/App.hpp>

namespace harness::cli {

struct MergeArgs {
    std::vector<std::string> dirs;  // each a run's --out folder (or its report.json)
    std::string out = "harness-report";
    std::string formats;  // "" the default formats
};

struct MergeConfig {
    std::vector<std::string> dirs;
    std::string out;
    std::set<std::string> formats;
};

void setup_merge(CLI::App& app, MergeArgs& args);
// Throws std::invalid_argument naming the option (an unknown format, --out among the inputs).
MergeConfig resolve_merge(const MergeArgs& args);

}  // namespace harness::cli
