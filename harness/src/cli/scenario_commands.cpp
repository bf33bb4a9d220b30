// `mcp-harness list`, `validate` and `report`: the subcommands that run nothing.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/samples_file.hpp"
#include "harness/report_builder.hpp"
#include "harness/scenario.hpp"
#include "reports/json.hpp"
#include "reports/samples.hpp"
#include "reports/terminal.hpp"
#include "scenario/scenario_search.hpp"

namespace harness::cli {

namespace {

// The scenarios (each path as given, else found by name: scenario_search.hpp), or their errors
// on stderr and nothing.
std::optional<std::vector<Scenario>> loaded(const std::vector<std::filesystem::path>& paths) {
    try {
        return load_scenarios(located_scenarios(paths));
    } catch (const std::exception& e) {
        std::cerr << e.what() << '\n';
        return std::nullopt;
    }
}

}  // namespace

int list_command(const std::vector<std::filesystem::path>& paths) {
    const auto scenarios = loaded(paths);
    if (!scenarios) return kHarnessError;
    for (const auto& s : *scenarios) {
        std::cout << s.name << "  [" << s.file.string() << "]\n";
        if (!s.description.empty()) std::cout << "    " << s.description << '\n';
        std::cout << "    clients " << s.clients << ", steps " << s.steps.size() << ", checks:";
        for (const auto& c : s.checks) std::cout << ' ' << c;
        std::cout << '\n';
    }
    return 0;
}

int validate_command(const std::vector<std::filesystem::path>& paths) {
    const auto scenarios = loaded(paths);
    if (!scenarios) return kHarnessError;
    for (const auto& s : *scenarios) {
        std::cout << "ok  " << s.file.string() << "  (" << s.name << ")\n";
    }
    std::cout << scenarios->size() << " scenario file(s) valid\n";
    return 0;
}

int report_command(const ReportConfig& c, const std::string& step_summary) {
    try {
        std::ifstream in(c.from, std::ios::binary);
        if (!in) throw std::runtime_error("cannot open " + c.from);
        std::stringstream ss;
        ss << in.rdbuf();
        auto report = reports::parse_json(ss.str());
        // A re-rendered report has its raw timings too (an older run renders without them).
        read_samples_beside(c.from, report);
        write_reports(report, c.out, c.formats, step_summary);
        std::cout << reports::render_terminal_summary(report, ::isatty(STDOUT_FILENO) != 0);
        return reports::exit_code(report);
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness report: " << e.what() << '\n';
        return kHarnessError;
    }
}

}  // namespace harness::cli
