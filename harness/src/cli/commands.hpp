#pragma once
// The subcommands, each on its resolved configuration; each returns the process's exit code
// (0 passed, 1 a check failed, kHarnessError) and reports its own errors on stderr.
#include "cli/options.hpp"

namespace harness::cli {

int run_command(const RunConfig& config, const std::string& step_summary);
int list_command(const std::vector<std::filesystem::path>& paths);
int validate_command(const std::vector<std::filesystem::path>& paths);
int report_command(const ReportConfig& config, const std::string& step_summary);

}  // namespace harness::cli
