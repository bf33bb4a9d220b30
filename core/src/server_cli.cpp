#include "core/server_cli.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/config_file.hpp"
#include "common/version.hpp"
#include "core/data_file_error.hpp"
#include "core/mcp_server.hpp"
#include "core/patients.hpp"

namespace core {

namespace {

struct GenerateOptions {
    std::size_t count = 100;
    std::uint64_t seed = 42;
    std::string out = "patients_data.csv";
};

// The range of --time-scale and of the config key time_scale: every timer is scaled by it,
// and a factor <= 0 (or NaN) would turn every timer off.
constexpr double kMinTimeScale = 1e-6, kMaxTimeScale = 1e6;

std::chrono::milliseconds seconds(double s) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000.0 + 0.5));
}

// Applies a JSON config file (common's reader); keys mirror the long flags (with underscores).
void apply_config_file(const std::string& file, ServerConfig& c) {
    common::apply_config_object(
        file, common::read_json_file(file), [&](const std::string& key, const nlohmann::json& v) {
            if (key == "host")
                c.host = v.get<std::string>();
            else if (key == "port")
                c.port = v.get<unsigned short>();
            else if (key == "threads")
                c.threads = v.get<unsigned>();
            else if (key == "data_dir")
                c.data_dir = v.get<std::string>();
            else if (key == "ollama_url")
                c.ollama.base_url = v.get<std::string>();
            else if (key == "model")
                c.ollama.model = v.get<std::string>();
            else if (key == "ollama_timeout")
                c.ollama.inactivity_timeout = seconds(v.get<double>());
            else if (key == "ollama_deadline")
                c.ollama.total_deadline = seconds(v.get<double>());
            else if (key == "connect_timeout")
                c.ollama.connect_timeout = seconds(v.get<double>());
            else if (key == "stream_upstream")
                c.stream_upstream = v.get<bool>();
            else if (key == "max_message")
                c.max_message = v.get<std::size_t>();
            else if (key == "queue_limit")
                c.queue_limit = v.get<std::size_t>();
            else if (key == "max_connections")
                c.max_connections = v.get<std::size_t>();
            else if (key == "max_calls_per_connection")
                c.max_calls_per_connection = v.get<std::size_t>();
            else if (key == "max_tokens_per_call")
                c.max_tokens_per_call = v.get<std::size_t>();
            else if (key == "max_summary_bytes")
                c.max_summary_bytes = v.get<std::size_t>();
            else if (key == "csv_formulas") {
                const auto p = parse_formula_policy(v.get<std::string>());
                if (!p) throw std::invalid_argument("valid: keep, escape, refuse");
                c.csv_formulas = *p;
            } else if (key == "ping_interval")
                c.ping_interval = seconds(v.get<double>());
            else if (key == "pong_timeout")
                c.pong_timeout = seconds(v.get<double>());
            else if (key == "time_scale") {
                const double t = v.get<double>();
                // Written so that NaN fails too.
                if (!(t >= kMinTimeScale && t <= kMaxTimeScale))
                    throw std::invalid_argument("valid: 1e-06 to 1e+06");
                c.time_scale = t;
            } else if (key == "log_level") {
                const auto l = common::parse_log_level(v.get<std::string>());
                if (!l) throw std::invalid_argument("valid: trace, debug, info, warn, error, off");
                c.log_level = *l;
            } else {
                throw std::invalid_argument(
                    "unknown key; valid: host, port, threads, data_dir, ollama_url, model, "
                    "ollama_timeout, ollama_deadline, connect_timeout, stream_upstream, "
                    "max_message, queue_limit, max_connections, max_calls_per_connection, "
                    "max_tokens_per_call, max_summary_bytes, csv_formulas, ping_interval, "
                    "pong_timeout, time_scale, log_level");
            }
        });
}

std::string normalise_url(std::string url) {
    if (url.find("://") == std::string::npos) url = "http://" + url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    // A bare host (OLLAMA_HOST=0.0.0.0 style) gets Ollama's default port.
    const auto host_start = url.find("://") + 3;
    if (url.find(':', host_start) == std::string::npos) url += ":11434";
    return url;
}

}  // namespace

int run_mcp_server(int argc, char** argv) {
    CLI::App app{
        "mcp-server: the patient-summaries MCP server (JSON-RPC over WebSocket at "
        "ws://HOST:PORT/mcp). generate_summary streams Ollama tokens to the client as "
        "they arrive and saves complete summaries to patient_summaries.csv."};
    ServerConfig c;
    std::string config_file, ollama_url, log_level = "info", csv_formulas = "keep";
    double ollama_timeout = 120, ollama_deadline = 0, connect_timeout = 10, ping = 30, pong = 120;
    bool no_stream = false;
    app.add_option("--config", config_file, "JSON config file (keys as the long flags)")
        ->check(CLI::ExistingFile);
    app.add_option("--host", c.host, "Address to bind (default 127.0.0.1)");
    app.add_option("--port", c.port, "Port (default 8765; 0 picks a free one)");
    app.add_option("--data-dir", c.data_dir,
                   "Folder of patients_data.csv and patient_summaries.csv; created and filled "
                   "when empty (default: the current folder)");
    app.add_option("--patients", c.generate_patients,
                   "Patients to generate when the folder has none (default 100)");
    app.add_option("--ollama-url", ollama_url,
                   "Ollama base URL (default $OLLAMA_HOST, else http://127.0.0.1:11434)");
    app.add_option("--model", c.ollama.model, "Model for summaries (default phi)");
    app.add_option("--ollama-timeout", ollama_timeout,
                   "Seconds without a byte from Ollama before a call fails (default 120)");
    app.add_option("--ollama-deadline", ollama_deadline,
                   "Seconds a whole generation may take; 0 = no limit (default 0)");
    app.add_option("--connect-timeout", connect_timeout,
                   "Seconds to connect to Ollama (default 10)");
    app.add_flag("--no-stream-upstream", no_stream,
                 "Ask Ollama for one response (\"stream\": false) instead of a stream; clients "
                 "then get no token messages");
    app.add_option("--max-message", c.max_message, "Largest client message, bytes (default 1 MiB)");
    app.add_option("--queue-limit", c.queue_limit,
                   "Bytes queued for one client before it is dropped as too slow (default 8 MiB)");
    app.add_option("--max-connections", c.max_connections,
                   "Connections open at once; more are answered 503 (default 4096)")
        ->check(CLI::PositiveNumber);
    app.add_option("--max-calls-per-connection", c.max_calls_per_connection,
                   "tools/call requests in flight on one connection; more get JSON-RPC error "
                   "-32000 and the connection stays (default 32)")
        ->check(CLI::PositiveNumber);
    app.add_option("--max-tokens-per-call", c.max_tokens_per_call,
                   "Tokens one generation may stream before it is stopped (default 100000)")
        ->check(CLI::PositiveNumber);
    app.add_option("--max-summary-bytes", c.max_summary_bytes,
                   "Bytes one generated summary may have before it is stopped (default 4 MiB)")
        ->check(CLI::PositiveNumber);
    app.add_option("--csv-formulas", csv_formulas,
                   "Summaries starting with = + - @ (CSV injection): keep (default), escape "
                   "(store with a leading '), refuse")
        ->check(CLI::IsMember({"keep", "escape", "refuse"}));
    app.add_option("--ping-interval", ping, "Seconds between keep-alive pings (default 30)");
    app.add_option("--pong-timeout", pong,
                   "Seconds without an answer before an idle client is dropped (default 120)");
    app.add_option("--time-scale", c.time_scale,
                   "Multiply every duration (timeouts, pings) by this factor (default 1)")
        ->check(CLI::Range(kMinTimeScale, kMaxTimeScale));
    app.add_option("--threads", c.threads, "I/O threads (default: one per core)");
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
    app.set_version_flag("--version", "mcp-server " + std::string(common::kVersion));

    GenerateOptions gen;
    auto* gen_cmd = app.add_subcommand(
        "generate-patients", "Write a deterministic synthetic patients_data.csv and exit");
    gen_cmd->add_option("--count", gen.count, "Patients (default 100)");
    gen_cmd->add_option("--seed", gen.seed, "Seed (default 42)");
    gen_cmd->add_option("--out", gen.out, "Output file (default patients_data.csv; - = stdout)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }

    if (*gen_cmd) {
        const auto patients = generate_patients(gen.count, gen.seed);
        if (gen.out == "-") {
            std::cout << patients_to_csv(patients);
        } else {
            save_patients_csv(gen.out, patients);
            std::cerr << "wrote " << patients.size() << " patients to " << gen.out << '\n';
        }
        return 0;
    }

    try {
        ServerConfig base;
        if (!config_file.empty()) apply_config_file(config_file, base);
        // Flags given on the command line win over the file.
        auto given = [&](const char* n) { return app.get_option(n)->count() > 0; };
        if (!given("--host")) c.host = base.host;
        if (!given("--port")) c.port = base.port;
        if (!given("--data-dir")) c.data_dir = base.data_dir;
        if (!given("--threads")) c.threads = base.threads;
        if (!given("--model")) c.ollama.model = base.ollama.model;
        if (!given("--max-message")) c.max_message = base.max_message;
        if (!given("--queue-limit")) c.queue_limit = base.queue_limit;
        if (!given("--max-connections")) c.max_connections = base.max_connections;
        if (!given("--max-calls-per-connection")) {
            c.max_calls_per_connection = base.max_calls_per_connection;
        }
        if (!given("--max-tokens-per-call")) c.max_tokens_per_call = base.max_tokens_per_call;
        if (!given("--max-summary-bytes")) c.max_summary_bytes = base.max_summary_bytes;
        c.csv_formulas =
            given("--csv-formulas") ? *parse_formula_policy(csv_formulas) : base.csv_formulas;
        if (!given("--time-scale")) c.time_scale = base.time_scale;
        c.ollama.inactivity_timeout =
            given("--ollama-timeout") ? seconds(ollama_timeout) : base.ollama.inactivity_timeout;
        c.ollama.total_deadline =
            given("--ollama-deadline") ? seconds(ollama_deadline) : base.ollama.total_deadline;
        c.ollama.connect_timeout =
            given("--connect-timeout") ? seconds(connect_timeout) : base.ollama.connect_timeout;
        c.ping_interval = given("--ping-interval") ? seconds(ping) : base.ping_interval;
        c.pong_timeout = given("--pong-timeout") ? seconds(pong) : base.pong_timeout;
        c.stream_upstream = no_stream ? false : base.stream_upstream;
        c.log_level = given("--log-level") ? *common::parse_log_level(log_level) : base.log_level;
        if (!ollama_url.empty()) {
            c.ollama.base_url = normalise_url(ollama_url);
        } else if (const char* env = std::getenv("OLLAMA_HOST"); env && *env) {
            c.ollama.base_url = normalise_url(env);
        } else {
            c.ollama.base_url = base.ollama.base_url;
        }
    } catch (const std::exception& e) {
        std::cerr << "mcp-server: " << e.what() << '\n';
        return 2;
    }

    try {
        McpServer server(c);
        server.stop_on_signals();
        const auto bound = server.listen();
        std::printf("mcp-server listening on ws://%s:%u/mcp\n", bound.address().to_string().c_str(),
                    static_cast<unsigned>(bound.port()));
        std::fflush(stdout);
        MSH_INFO(server.logger(), "ollama " + c.ollama.base_url + ", model " + c.ollama.model +
                                      (c.stream_upstream ? ", streaming" : ", not streaming") +
                                      ", data in " + c.data_dir.string());
        server.run();
    } catch (const DataFileError& e) {
        std::cerr << "mcp-server: refusing to start: " << e.what() << '\n';
        return 3;
    } catch (const std::exception& e) {
        std::cerr << "mcp-server: " << e.what() << '\n';
        return 1;
    }
    return 0;
}

}  // namespace core
