#pragma once
// The mcp-server command line (CLI11): serve (default) and `generate-patients`. The same shape
// as mock-ollama's: options struct -> setup_cli -> resolve -> run. Every setting's flag comes
// from the settings table (core/server_settings.hpp).
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include <CLI/App.hpp>

#include "core/server_config.hpp"

namespace core {

struct GenerateOptions {
    std::size_t count = 100;
    std::uint64_t seed = 42;
    std::string out = "patients_data.csv";
};

struct ServerOptions {
    std::string config_file;
    // --stdio: a way of running, not a setting (no config key): one MCP client on
    // stdin/stdout instead of a listener.
    bool stdio = false;
    // Each setting's flag text by setting name; only the flags given are read.
    std::map<std::string, std::string, std::less<>> flags;
    GenerateOptions generate;
};

// Binds the options to `app`, with the `generate-patients` subcommand. Values are applied by
// `resolve` after parsing, so that the precedence is: defaults < config file < flags, and for
// the Ollama URL: config file < OLLAMA_HOST < --ollama-url.
void setup_cli(CLI::App& app, ServerOptions& options);

// Builds the final configuration; throws std::invalid_argument with a clear message
// ("FILE: KEY: ..." for the config file, "--FLAG: ..." for a flag). The bearer token: config
// file < $MCP_SERVER_AUTH_TOKEN (auth_token_env) < --auth-token.
ServerConfig resolve(const CLI::App& app, const ServerOptions& options, const char* ollama_host_env,
                     const char* auth_token_env = nullptr);

// main(): parse, then generate patients, or print one ready line and serve until SIGINT/SIGTERM,
// or (--stdio) serve one client on stdin/stdout until its input ends; stdout then carries MCP
// messages only.
int run_mcp_server(int argc, char** argv);

}  // namespace core
