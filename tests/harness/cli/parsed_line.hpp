#pragma once
// One command line through the binary's own setup_cli + resolve, for the option tests.
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/options.hpp"

namespace harness::cli {

// Parses `line` (without the program name) and resolves it.
inline Resolved parsed(const std::string& line, const char* step_summary = nullptr) {
    CLI::App app;
    CliOptions o;
    setup_cli(app, o);
    app.parse(line, false);
    return resolve(app, o, step_summary);
}

// The message resolve() throws for `line`, or "" when it does not throw.
inline std::string rejected(const std::string& line) {
    try {
        parsed(line);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

}  // namespace harness::cli
