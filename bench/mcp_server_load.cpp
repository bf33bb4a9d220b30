// mcp_server_load: the real mcp-server, fed by a real mock-ollama (both fresh child processes
// per run), driven by the harness's McpClient from one event loop in this process.
//
//   (a) streams: N clients at once, one generate_summary each; wall time, TTFT, ITL, relay
//       lag against the mock's emission stamps, correctness of every token, server memory
//       and CPU, and this process's CPU per token.
//   (b) saturation: the mock at full speed, C clients calling generate_summary back to back;
//       the server's relay throughput in tokens/s and where the CPU went.
//   (c) saves: update_patient_summary with K calls in flight into a 10,000-row summaries
//       file; durable saves per second, then the file checked row by row.
//
// Each scenario runs --repeats times on fresh processes; the table shows medians and the
// spread (min-max), --json FILE writes every run.
#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "harness/proc_stats.hpp"
#include "server_load.hpp"

namespace {

using namespace server_load;
using nlohmann::json;

void add_options(CLI::App& app, Options& o) {
    app.add_option("--scenario", o.scenario, "a (streams), b (saturation), c (saves) or all")
        ->check(CLI::IsMember({"a", "b", "c", "all"}));
    app.add_option("--clients", o.clients, "(a) concurrent clients, one stream each");
    app.add_option("--tokens", o.tokens, "(a) tokens per stream");
    app.add_option("--tps", o.tps, "(a) tokens per second per stream");
    app.add_option("--ttft", o.ttft_ms, "(a) mock's first-token delay, ms");
    app.add_option("--form", o.form, "(a) progress, legacy or both")
        ->check(CLI::IsMember({"progress", "legacy", "both"}));
    app.add_option("--sat-clients", o.sat_clients, "(b) concurrency levels to try")->delimiter(',');
    app.add_option("--sat-tokens", o.sat_tokens, "(b) tokens per stream");
    app.add_option("--sat-warmup", o.sat_warmup_s, "(b) seconds before measuring");
    app.add_option("--sat-seconds", o.sat_seconds, "(b) seconds measured");
    app.add_option("--save-in-flight", o.save_in_flight, "(c) saves in flight");
    app.add_option("--save-connections", o.save_connections, "(c) connections they share");
    app.add_option("--save-patients", o.save_patients, "(c) rows of the summaries file");
    app.add_option("--save-seconds", o.save_seconds, "(c) seconds of saving");
    app.add_option("--repeats", o.repeats, "runs of each scenario (fresh processes each)");
    app.add_option("--client-threads", o.client_threads, "threads running the client loop");
    app.add_option("--server-threads", o.server_threads, "mcp-server --threads (0: its default)");
    app.add_option("--wait-load", o.wait_load,
                   "wait until the 1-minute load average is below this before each run (0: no)");
    app.add_option("--wait-max", o.wait_max_s, "seconds of such waiting at most, in all");
    app.add_option("--json", o.json_file, "write every run and the summary here");
    app.add_option("--transport", o.transport, "how clients connect: ws or http")
        ->check(CLI::IsMember({"ws", "http"}));
    app.add_option("--sdk-server", o.sdk_server,
                   "serve with the official-SDK reference server (tests/js/sdk_server.mjs) "
                   "instead of mcp-server; needs --transport http");
    app.add_option("--node", o.node_bin, "node binary for --sdk-server");
    app.add_option("--server-bin", o.server_bin, "mcp-server binary");
    app.add_option("--mock-bin", o.mock_bin, "mock-ollama binary");
    app.add_flag("--keep-data", o.keep_data, "keep each run's temp folder (data, stderr logs)");
}

std::string form_name(bool progress) {
    return progress ? "progress" : "legacy";
}

// --repeats runs of one scenario, each after the load-average gate; a run that throws is
// kept as a failed run with the reason.
void attempt(const Options& o, LoadGate& gate, Series& s, const std::function<Run(double)>& body) {
    for (std::size_t i = 0; i < o.repeats; ++i) {
        const double load = gate.wait();
        std::cerr << s.name << " run " << i + 1 << "/" << o.repeats << " (load " << fmt(load, 2)
                  << ")\n";
        try {
            s.runs.push_back(body(load));
        } catch (const std::exception& e) {
            std::cerr << "  failed: " << e.what() << "\n";
            Run r;
            r.set("load_avg_1m", load);
            r.notes.push_back(std::string("run failed: ") + e.what());
            r.failed = true;
            s.runs.push_back(std::move(r));
        }
    }
}

// Every series the options ask for, each run --repeats times.
std::vector<Series> run_all(const Options& o, LoadGate& gate) {
    std::vector<Series> all;
    const bool a = o.scenario == "a" || o.scenario == "all";
    const bool b = o.scenario == "b" || o.scenario == "all";
    const bool c = o.scenario == "c" || o.scenario == "all";
    if (a) {
        for (bool progress : {true, false}) {
            if (o.form != "both" && o.form != form_name(progress)) continue;
            Series s{"a/" + form_name(progress),
                     std::to_string(o.clients) + " clients x 1 generate_summary, " +
                         std::to_string(o.tokens) + " tokens at " + fmt(o.tps, 0) +
                         " tok/s, ttft " + fmt(o.ttft_ms, 0) + " ms, " +
                         (progress ? "notifications/progress" : "legacy stream_token frames"),
                     {}};
            attempt(o, gate, s, [&](double load) { return run_streams(o, progress, load); });
            all.push_back(std::move(s));
        }
    }
    if (b) {
        for (const auto n : o.sat_clients) {
            Series s{"b/" + std::to_string(n),
                     std::to_string(n) + " clients calling generate_summary back to back, " +
                         std::to_string(o.sat_tokens) +
                         " tokens per stream, mock at full speed (ttft 0, tps 1e6)",
                     {}};
            attempt(o, gate, s, [&](double load) { return run_saturation(o, n, load); });
            all.push_back(std::move(s));
        }
    }
    if (c) {
        Series s{"c",
                 std::to_string(o.save_in_flight) + " update_patient_summary in flight over " +
                     std::to_string(std::min(o.save_connections, o.save_in_flight)) +
                     " connections, " + std::to_string(o.save_patients) + "-row summaries file, " +
                     fmt(o.save_seconds, 0) + " s",
                 {}};
        attempt(o, gate, s, [&](double load) { return run_saves(o, load); });
        all.push_back(std::move(s));
    }
    return all;
}

std::vector<Goal> goals_for(const Options& o) {
    const double n_clients = static_cast<double>(o.clients);
    return {
        {"a/", "wall_s", true, 2.2, "first request to last response <= 2.2 s"},
        {"a/", "lag_ms_p99", true, 5, "relay lag p99 <= 5 ms"},
        {"a/", "server_peak_mib", true, 200, "server peak memory (VmHWM) <= 200 MiB"},
        {"a/", "streams_correct", false, n_clients, "every stream correct and in order"},
        {"b/", "tokens_per_s", false, 100'000, "relay throughput >= 100,000 tokens/s"},
        {"c", "saves_per_s", false, 1'000, "durable saves >= 1,000/s"},
    };
}

void write_json(const Options& o, const std::vector<Series>& all, const json& goals_json,
                unsigned cpus, std::uint64_t fd_limit, double load_wait_s) {
    json out = {{"benchmark", "mcp_server_load"},
                {"cpus", cpus},
                {"fd_limit", fd_limit},
                {"options",
                 {{"scenario", o.scenario},
                  {"clients", o.clients},
                  {"tokens", o.tokens},
                  {"tps", o.tps},
                  {"ttft_ms", o.ttft_ms},
                  {"sat_clients", o.sat_clients},
                  {"sat_tokens", o.sat_tokens},
                  {"sat_seconds", o.sat_seconds},
                  {"save_in_flight", o.save_in_flight},
                  {"save_connections", o.save_connections},
                  {"save_patients", o.save_patients},
                  {"save_seconds", o.save_seconds},
                  {"repeats", o.repeats},
                  {"client_threads", o.client_threads},
                  {"server_threads", o.server_threads}}},
                {"series", json::array()},
                {"goals", goals_json},
                {"load_wait_s", load_wait_s}};
    for (const auto& s : all) out["series"].push_back(series_json(s));
    std::ofstream f(o.json_file);
    f << out.dump(2) << "\n";
    std::cout << "wrote " << o.json_file << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app{"Load benchmark of the real mcp-server fed by mock-ollama"};
    add_options(app, o);
    CLI11_PARSE(app, argc, argv);

    const auto fd_limit = harness::raise_fd_limit();
    const unsigned cpus = harness::online_cpus();
    std::cout << "mcp_server_load: " << cpus << " CPUs (server, mock and this client share them), "
              << "fd limit " << fd_limit << ", client loop threads " << o.client_threads << "\n";
    if (fd_limit < 2 * o.clients + 64) {
        std::cerr << "warning: fd limit " << fd_limit << " may be too low for " << o.clients
                  << " clients (the server needs 2 per stream)\n";
    }

    LoadGate gate(o.wait_load, o.wait_max_s);
    const std::vector<Series> all = run_all(o, gate);
    for (const auto& s : all) print_series(s);
    const json goals_json = report_goals(all, goals_for(o));
    if (gate.spent_s() > 0) {
        std::cout << "(waited " << fmt(gate.spent_s(), 0) << " s in all for the load average)\n";
    }
    if (!o.json_file.empty()) write_json(o, all, goals_json, cpus, fd_limit, gate.spent_s());
    return 0;
}
