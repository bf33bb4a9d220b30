// `mcp-harness compare OLD NEW` and the comparison step of `run --compare-to`: the two runs
// judged by reports::compare, compare.md printed and written with compare.xml, the Markdown
// appended to $GITHUB_STEP_SUMMARY; the exit code is the gate's.
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "harness/output_folder.hpp"

namespace harness::cli {

namespace fs = std::filesystem;

namespace {

// Compares, prints and writes; returns 0, 1, or kHarnessError with the reason on stderr.
int judge(const GateConfig& gate, const reports::RunReport& new_run, const std::string& new_label,
          const std::string& step_summary) {
    try {
        const reports::Comparison c = reports::compare(gate.old_run.report, new_run, gate.options);
        const std::string md = reports::render_compare_markdown(c, gate.old_run.label, new_label);
        std::cout << md;
        ensure_writable_folder(gate.out);
        write_text_file(fs::path(gate.out) / "compare.md", md);
        write_text_file(fs::path(gate.out) / "compare.xml", reports::render_compare_junit(c));
        if (!step_summary.empty()) std::ofstream(step_summary, std::ios::app) << md << '\n';
        std::cout << "comparison in " << fs::absolute(gate.out).string()
                  << "/ (compare.md, compare.xml)\n";
        return c.exit_code();
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness compare: cannot compare " << gate.old_run.label << " with "
                  << new_label << ": " << e.what() << '\n';
        return kHarnessError;
    }
}

}  // namespace

int compare_command(const CompareConfig& c, const std::string& step_summary) {
    return judge(c.gate, c.new_run.report, c.new_run.label, step_summary);
}

int compare_after_run(const GateConfig& gate, const reports::RunReport& report,
                      const std::string& new_label, const std::string& step_summary) {
    std::cout << '\n';
    return judge(gate, report, new_label, step_summary);
}

}  // namespace harness::cli
