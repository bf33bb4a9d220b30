// `mcp-harness merge DIR...`: each run's report.json and samples.jsonl read, merged by
// reports::merge_runs, and written as `run` writes its reports; the exit code is the merged
// run's (reports::exit_code), or kHarnessError for inputs that do not fit.
#include <unistd.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/samples_file.hpp"
#include "harness/report_builder.hpp"
#include "reports/merge.hpp"
#include "reports/terminal.hpp"

namespace harness::cli {

namespace {

reports::MergeInput read_input(const std::string& dir) {
    LoadedReport loaded = load_report(dir);
    reports::MergeInput in{dir, std::move(loaded.report), false};
    in.has_samples = read_samples_beside(loaded.label, in.report);
    return in;
}

}  // namespace

int merge_command(const MergeConfig& c, const std::string& step_summary) {
    try {
        std::vector<reports::MergeInput> inputs;
        for (const auto& dir : c.dirs) inputs.push_back(read_input(dir));
        const reports::RunReport merged = reports::merge_runs(std::move(inputs));
        write_reports(merged, c.out, c.formats, step_summary);
        std::cout << reports::render_terminal_summary(merged, ::isatty(STDOUT_FILENO) != 0);
        // The merged percentiles are what the shards were run for: shown as `run` shows them.
        print_metrics(merged);
        std::cout << "\nmerged " << c.dirs.size() << " report(s) into "
                  << std::filesystem::absolute(c.out).string() << "/\n";
        return reports::exit_code(merged);
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness merge: " << e.what() << '\n';
        return kHarnessError;
    }
}

}  // namespace harness::cli
