#pragma once
// The mock-ollama command line (CLI11): options struct, setup, run.
#include <string>

#include <CLI/App.hpp>

#include "mock_ollama/config.hpp"

namespace mock_ollama {

struct CliOptions {
    MockConfig config;
    std::string config_file;
    std::string scripts_file;
    std::string fault;
    std::string profile;
    std::string log_level = "info";
};

// Binds the options to `app`. Values are applied by `resolve` after parsing, so that the
// precedence is: defaults < config file < OLLAMA_HOST < command-line flags.
void setup_cli(CLI::App& app, CliOptions& options);

// Builds the final configuration; throws std::invalid_argument with a clear message.
MockConfig resolve(const CLI::App& app, const CliOptions& options, const char* ollama_host_env);

// main(): parse, print one ready line with the bound address, serve until SIGINT/SIGTERM.
int run_mock_ollama(int argc, char** argv);

}  // namespace mock_ollama
