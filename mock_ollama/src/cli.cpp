#include "mock_ollama/cli.hpp"

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/enum_names.hpp"
#include "common/log.hpp"
#include "common/version.hpp"
#include "mock_ollama/http_server.hpp"

namespace mock_ollama {

void setup_cli(CLI::App& app, CliOptions& o) {
    auto& c = o.config;
    app.description(
        "mock-ollama: a deterministic mock of the Ollama HTTP API that streams NDJSON tokens at "
        "configurable rates, with fault injection. Admin: /_mock/stats, /_mock/requests, "
        "/_mock/config, /_mock/reset, /metrics.");
    app.add_option("--host", c.host, "Address to bind (default 127.0.0.1; OLLAMA_HOST honoured)");
    app.add_option("--port", c.port, "Port to bind; 0 picks a free one (default 11434)");
    app.add_option("--config", o.config_file, "JSON config file (pacing, models, rules, faults)")
        ->check(CLI::ExistingFile);
    app.add_option("--seed", c.runtime.seed, "Seed for text and jitter (default 0)");
    app.add_option("--tps", c.runtime.pacing.tps, "Tokens per second after the first (default 50)")
        ->check(CLI::Range(0.001, 1e9));
    app.add_option("--ttft", "Delay before the first token, ms (default 200)")
        ->check(CLI::Range(0.0, 86'400'000.0));
    app.add_option("--jitter", c.runtime.pacing.jitter,
                   "Gap jitter: each gap times 1 + u*jitter, u in [-1,1) (default 0)")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--tokens", c.runtime.pacing.tokens, "Tokens per response (default 120)");
    app.add_option("--profile", o.profile, "Text profile: clinical (default), hostile, plain");
    app.add_option("--hostile-rate", c.runtime.text.hostile_rate,
                   "Share of sentences with quotes, commas, line breaks, non-ASCII, emoji "
                   "(default 0.2)")
        ->check(CLI::Range(0.0, 1.0));
    app.add_option("--scripts", o.scripts_file, "JSON file of scripted responses")
        ->check(CLI::ExistingFile);
    app.add_option("--scripts-dir", c.scripts_dir,
                   "Directory whose files POST /_mock/config may load as scripts (default: none; "
                   "run-time file paths are refused)")
        ->check(CLI::ExistingDirectory);
    app.add_option("--admin-token", c.admin_token,
                   "Require 'Authorization: Bearer TOKEN' on /_mock/* (default: no token)");
    app.add_option("--fault", o.fault, "Fault for every generation request, e.g. stall:after=5");
    app.add_option("--time-scale", c.time_scale,
                   "Multiply every duration by this factor (0.01 = a hundred times faster)")
        ->check(CLI::Range(1e-6, 1e6));
    app.add_option("--threads", c.threads, "I/O threads (default: one per core)");
    app.add_option("--request-log-limit", c.request_log_limit,
                   "Requests kept for /_mock/requests (default 10000; 0 disables)");
    app.add_option("--body-limit", c.body_limit, "Largest request body, bytes (default 8 MiB)");
    app.add_option("--header-timeout-ms",
                   "Close a connection whose request is not complete "
                   "this long after it began (default 10000)")
        ->check(CLI::Range(1, 86'400'000));
    app.add_option("--log-level", o.log_level, common::spelled_list(common::log_level_names()))
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
    app.set_version_flag("--version", "mock-ollama " + std::string(common::kVersion));
}

MockConfig resolve(const CLI::App& app, const CliOptions& o, const char* ollama_host_env) {
    MockConfig c;
    if (!o.config_file.empty()) load_config_file(o.config_file, c);
    if (ollama_host_env != nullptr && *ollama_host_env != '\0' &&
        !parse_host_port(ollama_host_env, c.host, c.port)) {
        throw std::invalid_argument(std::string("OLLAMA_HOST: cannot parse '") + ollama_host_env +
                                    "'; expected host[:port]");
    }
    const auto given = [&](const char* name) { return app.get_option(name)->count() > 0; };
    const MockConfig& f = o.config;
    if (given("--host")) c.host = f.host;
    if (given("--port")) c.port = f.port;
    if (given("--seed")) c.runtime.seed = f.runtime.seed;
    if (given("--tps")) c.runtime.pacing.tps = f.runtime.pacing.tps;
    if (given("--ttft")) {
        c.runtime.pacing.ttft = std::chrono::nanoseconds(
            static_cast<std::int64_t>(app.get_option("--ttft")->as<double>() * 1e6));
    }
    if (given("--jitter")) c.runtime.pacing.jitter = f.runtime.pacing.jitter;
    if (given("--tokens")) c.runtime.pacing.tokens = f.runtime.pacing.tokens;
    if (given("--hostile-rate")) c.runtime.text.hostile_rate = f.runtime.text.hostile_rate;
    if (given("--time-scale")) c.time_scale = f.time_scale;
    if (given("--threads")) c.threads = f.threads;
    if (given("--request-log-limit")) c.request_log_limit = f.request_log_limit;
    if (given("--body-limit")) c.body_limit = f.body_limit;
    if (given("--header-timeout-ms")) {
        c.header_timeout =
            std::chrono::milliseconds(app.get_option("--header-timeout-ms")->as<long>());
    }
    if (given("--log-level")) c.log_level = *common::parse_log_level(o.log_level);
    if (given("--scripts-dir")) c.scripts_dir = f.scripts_dir;
    if (given("--admin-token")) {
        if (f.admin_token.empty()) throw std::invalid_argument("--admin-token: must not be empty");
        c.admin_token = f.admin_token;
    }
    // The start-up scripts file is the operator's choice: read as given (size-limited), not
    // confined to --scripts-dir as run-time paths are.
    if (!o.scripts_file.empty()) {
        c.runtime.scripts = std::make_shared<const ScriptBook>(ScriptBook::load(o.scripts_file));
    }
    nlohmann::json extra = nlohmann::json::object();
    if (!o.profile.empty()) extra["profile"] = o.profile;
    if (!o.fault.empty()) extra["fault"] = o.fault;
    if (!extra.empty()) {
        try {
            apply_config_json(extra, c.runtime, nullptr);
        } catch (const std::invalid_argument& e) {
            std::string what = e.what();
            if (what.starts_with("fault: ")) what = "--fault: " + what.substr(7);
            if (what.starts_with("profile: ")) what = "--profile: " + what.substr(9);
            throw std::invalid_argument(what);
        }
    }
    return c;
}

// The CLI11 parse-or-exit opening is the library's idiom, the same as core's run_mcp_server
// (core/src/cli/server_cli.cpp); the two programs share no command-line code beyond it.
int run_mock_ollama(int argc, char** argv) {
    CLI::App app;
    CliOptions options;
    setup_cli(app, options);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    MockConfig config;
    try {
        config = resolve(app, options, std::getenv("OLLAMA_HOST"));
    } catch (const std::exception& e) {
        std::cerr << "mock-ollama: " << e.what() << '\n';
        return 2;
    }
    try {
        MockServer server(config);
        server.stop_on_signals();
        const auto bound = server.listen();
        // The one ready line: scripts and the harness wait for it and read the port from it.
        std::printf("mock-ollama listening on http://%s:%u\n", bound.address().to_string().c_str(),
                    static_cast<unsigned>(bound.port()));
        std::fflush(stdout);
        MSH_INFO(server.logger(), "seed " + std::to_string(config.runtime.seed) + ", time scale " +
                                      std::to_string(config.time_scale) + ", " +
                                      std::to_string(config.runtime.models.size()) + " models");
        server.run();
    } catch (const std::exception& e) {
        std::cerr << "mock-ollama: cannot serve on " << config.host << ':' << config.port << ": "
                  << e.what() << '\n';
        return 1;
    }
    return 0;
}

}  // namespace mock_ollama
