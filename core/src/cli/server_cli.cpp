#include "core/server_cli.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "common/version.hpp"
#include "core/data_file_error.hpp"
#include "core/mcp_server.hpp"
#include "core/patients.hpp"
#include "core/server_settings.hpp"

namespace core {

namespace {

// The type shown by --help, as CLI11 shows it for a typed option with its check.
std::string type_name(const ServerSetting& s) {
    switch (s.kind) {
        case SettingKind::text:
            return "TEXT";
        case SettingKind::choice: {
            std::string set;
            for (const auto c : s.choices) set += (set.empty() ? "" : ",") + std::string(c);
            return "TEXT:{" + set + "}";
        }
        case SettingKind::count:
            return s.min > 0 ? "UINT:POSITIVE" : "UINT";
        case SettingKind::seconds:
            return "FLOAT";
        case SettingKind::real: {
            std::ostringstream os;
            os << "FLOAT:FLOAT in [" << s.lo << " - " << s.hi << "]";
            return os.str();
        }
        case SettingKind::off_switch:
            break;
    }
    return "";
}

std::string normalise_url(std::string url) {
    if (url.find("://") == std::string::npos) url = "http://" + url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    // A bare host (OLLAMA_HOST=0.0.0.0 style) gets Ollama's default port.
    const auto host_start = url.find("://") + 3;
    if (url.find(':', host_start) == std::string::npos) url += ":11434";
    return url;
}

int generate(const GenerateOptions& gen) {
    const auto patients = generate_patients(gen.count, gen.seed);
    if (gen.out == "-") {
        std::cout << patients_to_csv(patients);
    } else {
        save_patients_csv(gen.out, patients);
        std::cerr << "wrote " << patients.size() << " patients to " << gen.out << '\n';
    }
    return 0;
}

int serve(const ServerConfig& c, bool stdio) {
    try {
        McpServer server(c);
        server.stop_on_signals();
        if (stdio) {
            // No ready line: stdout is the client's, for MCP messages only; logs go to stderr.
            server.serve_stdio(STDIN_FILENO, STDOUT_FILENO);
        } else {
            const auto bound = server.listen();
            std::printf("mcp-server listening on ws://%s:%u/mcp\n",
                        bound.address().to_string().c_str(), static_cast<unsigned>(bound.port()));
            std::fflush(stdout);
        }
        MSH_INFO(server.logger(), "ollama " + c.ollama.base_url + ", model " + c.ollama.model +
                                      (c.stream_upstream ? ", streaming" : ", not streaming") +
                                      ", data in " + c.data_dir.string());
        server.run();
        if (server.stdio_output_lost()) return 1;
    } catch (const DataFileError& e) {
        std::cerr << "mcp-server: refusing to start: " << e.what() << '\n';
        return 3;
    } catch (const std::exception& e) {
        std::cerr << "mcp-server: " << e.what() << '\n';
        return 1;
    }
    return 0;
}

}  // namespace

void setup_cli(CLI::App& app, ServerOptions& o) {
    app.description(
        "mcp-server: the patient-summaries MCP server (JSON-RPC over WebSocket at "
        "ws://HOST:PORT/mcp, or over stdin/stdout with --stdio). generate_summary streams "
        "Ollama tokens to the client as they arrive and saves complete summaries to "
        "patient_summaries.csv.");
    app.add_option("--config", o.config_file, "JSON config file (keys as the long flags)")
        ->check(CLI::ExistingFile);
    app.add_flag("--stdio", o.stdio,
                 "Serve one MCP client on stdin/stdout (one JSON-RPC message per line) instead "
                 "of listening; logs go to stderr; exits when stdin ends");
    for (const auto& s : server_settings()) {
        if (s.kind == SettingKind::off_switch) {
            app.add_flag(s.flag())->description(std::string(s.help));
            continue;
        }
        // A map node stays put, so CLI11 may keep a reference to its text.
        app.add_option(s.flag(), o.flags[std::string(s.name)], std::string(s.help))
            ->type_name(type_name(s));
    }
    app.set_version_flag("--version", "mcp-server " + std::string(common::kVersion));

    auto* gen = app.add_subcommand("generate-patients",
                                   "Write a deterministic synthetic patients_data.csv and exit");
    gen->add_option("--count", o.generate.count, "Patients (default 100)");
    gen->add_option("--seed", o.generate.seed, "Seed (default 42)");
    gen->add_option("--out", o.generate.out, "Output file (default patients_data.csv; - = stdout)");
}

ServerConfig resolve(const CLI::App& app, const ServerOptions& o, const char* ollama_host_env,
                     const char* auth_token_env) {
    ServerConfig c;
    if (!o.config_file.empty()) apply_server_config_file(o.config_file, c);
    const std::string file_url = c.ollama.base_url;
    // Flags given on the command line win over the file; each is checked as a file's value.
    for (const auto& s : server_settings()) {
        const std::string flag = s.flag();
        if (app.get_option(flag)->count() == 0) continue;
        const auto text = o.flags.find(s.name);
        try {
            const auto value =
                setting_value_from_text(s, text == o.flags.end() ? std::string() : text->second);
            check_setting_value(s, value);
            s.set(c, value);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument(flag + ": " + e.what());
        }
    }
    // The URL of a flag or of OLLAMA_HOST may be a bare host[:port]; the file's is taken as is.
    const auto url = o.flags.find("ollama_url");
    if (url != o.flags.end() && !url->second.empty()) {
        c.ollama.base_url = normalise_url(url->second);
    } else if (ollama_host_env != nullptr && *ollama_host_env != '\0') {
        c.ollama.base_url = normalise_url(ollama_host_env);
    } else {
        c.ollama.base_url = file_url;
    }
    // The token from the environment, unless a flag gives one: a flag is visible in `ps`.
    if (app.get_option("--auth-token")->count() == 0 && auth_token_env != nullptr &&
        *auth_token_env != '\0') {
        c.auth_token = auth_token_env;
    }
    return c;
}

int run_mcp_server(int argc, char** argv) {
    CLI::App app;
    ServerOptions options;
    setup_cli(app, options);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (*app.get_subcommand("generate-patients")) return generate(options.generate);
    ServerConfig config;
    try {
        config =
            resolve(app, options, std::getenv("OLLAMA_HOST"), std::getenv("MCP_SERVER_AUTH_TOKEN"));
    } catch (const std::exception& e) {
        std::cerr << "mcp-server: " << e.what() << '\n';
        return 2;
    }
    return serve(config, options.stdio);
}

}  // namespace core
