#include "harness/cli.hpp"

#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/options.hpp"

namespace harness {

int run_mcp_harness(int argc, char** argv) {
    CLI::App app;
    cli::CliOptions options;
    cli::setup_cli(app, options);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    cli::Resolved r;
    try {
        r = cli::resolve(app, options, std::getenv("GITHUB_STEP_SUMMARY"));
    } catch (const std::exception& e) {
        const bool report = app.got_subcommand("report");
        const bool compare = app.got_subcommand("compare");
        const bool chat = app.got_subcommand("chat");
        const bool merge = app.got_subcommand("merge");
        std::cerr << (report    ? "mcp-harness report: "
                      : compare ? "mcp-harness compare: "
                      : chat    ? "mcp-harness chat: "
                      : merge   ? "mcp-harness merge: "
                                : "mcp-harness: ")
                  << e.what() << '\n';
        return cli::kHarnessError;
    }
    switch (r.command) {
        case cli::Command::run:
            return cli::run_command(r.run, r.step_summary);
        case cli::Command::list:
            return cli::list_command(r.paths);
        case cli::Command::validate:
            return cli::validate_command(r.paths);
        case cli::Command::report:
            return cli::report_command(r.report, r.step_summary);
        case cli::Command::compare:
            return cli::compare_command(r.compare, r.step_summary);
        case cli::Command::chat:
            return cli::chat_command(r.chat);
        case cli::Command::merge:
            return cli::merge_command(r.merge, r.step_summary);
    }
    return cli::kHarnessError;
}

}  // namespace harness
