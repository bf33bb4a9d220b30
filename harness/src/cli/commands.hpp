#pragma once
// The subcommands, each on its resolved configuration; each returns the process's exit code
// (0 passed, 1 a check failed, kHarnessError) and reports its own errors on stderr.
#include "cli/options.hpp"
#include "reports/report.hpp"

namespace harness::cli {

int run_command(const RunConfig& config, const std::string& step_summary);
int list_command(const std::vector<std::filesystem::path>& paths);
int validate_command(const std::vector<std::filesystem::path>& paths);
int report_command(const ReportConfig& config, const std::string& step_summary);
// `compare OLD NEW`: 0 no regression, 1 a regression, kHarnessError cannot compare.
int compare_command(const CompareConfig& config, const std::string& step_summary);
// `chat`: an interactive session (harness/src/chat/); 0 on a clean quit, kHarnessError when
// the server could not be started, reached or was lost.
int chat_command(const ChatConfig& config);
// `merge DIR...`: the runs' reports merged into one (reports::merge_runs) and written; its exit
// code, or kHarnessError for inputs that do not fit.
int merge_command(const MergeConfig& config, const std::string& step_summary);
// `run --compare-to`: this run's report judged against the earlier one, written beside it.
int compare_after_run(const GateConfig& gate, const reports::RunReport& report,
                      const std::string& new_label, const std::string& step_summary);

}  // namespace harness::cli
