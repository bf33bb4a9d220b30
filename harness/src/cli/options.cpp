#include "cli/options.hpp"

#include <sstream>
#include <stdexcept>

#include "cli/shard_options.hpp"
#include "common/enum_names.hpp"
#include "common/version.hpp"
#include "harness/connection.hpp"

namespace harness::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDefaultScenarios = "scenarios/checklist";
const std::string kPathsHelp =
    std::string("Scenario files or folders (default ") + kDefaultScenarios +
    "); a path that does not exist is looked up by name in the installed scenarios, e.g. "
    "checklist, faults, load";

std::vector<fs::path> scenario_paths(const std::vector<std::string>& given) {
    std::vector<fs::path> paths(given.begin(), given.end());
    if (paths.empty()) paths.push_back(kDefaultScenarios);
    return paths;
}

void setup_run(CLI::App& app, RunArgs& ra) {
    auto* run = app.add_subcommand("run", "Run scenarios and write the reports");
    run->add_option("paths", ra.paths, kPathsHelp);
    run->add_option("--out", ra.out, "Folder for the reports (default harness-report)");
    run->add_option("--format", ra.formats,
                    std::string("Comma-separated: ") + kDefaultFormats + " (default all)");
    run->add_option("--time-scale", ra.time_scale,
                    "Multiply every duration (0.01 = a hundred times faster)")
        ->check(CLI::Range(1e-4, 100.0));
    run->add_option("--filter", ra.filter, "Only scenarios whose name or a check id contains this");
    run->add_option("--jobs", ra.jobs, "Scenarios in parallel (default 1)")
        ->check(CLI::Range(1, 64));
    run->add_option("--connects-in-flight", ra.connects_in_flight,
                    "Clients of a scenario connecting and initializing at a time, 1 to 1000000 "
                    "(default 64): all at once overflow the server's listen backlog, and each "
                    "dropped SYN is retried only after a second or more")
        // The cap also refuses -1, which would otherwise wrap round to the largest size_t.
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
    run->add_option("--seed", ra.seed, "The mock's seed (default 7)");
    run->add_option("--server-url", ra.server_url,
                    "Test a running server (ws://HOST:PORT/mcp, or http://HOST:PORT/mcp: "
                    "implies --transport http) instead of launching ours");
    run->add_option("--transport", ra.transport,
                    "How every client connects: ws, http or stdio (default: the scenario's, "
                    "else ws)");
    run->add_option("--server-cmd", ra.server_cmd,
                    "Test your stdio server: this shell command is started once per client "
                    "(implies --transport stdio)");
    run->add_option("--protocol-version", ra.protocol_version,
                    "The MCP revision the clients negotiate (default 2025-11-25; 2026-07-28 "
                    "is the stateless one)");
    run->add_option("--header", ra.headers,
                    "NAME:VALUE sent on every HTTP request and WebSocket handshake, e.g. "
                    "'Authorization: Bearer TOKEN' (repeatable)");
    run->add_option("--ollama-url", ra.ollama_url, "The mock-ollama that server uses");
    run->add_option("--summaries-csv", ra.summaries_csv, "That server's patient_summaries.csv");
    run->add_option("--patients-csv", ra.patients_csv, "That server's patients_data.csv");
    run->add_option("--baseline", ra.baseline, "Expected failures (JSON); see reports/README.md");
    run->add_flag("--verbose", ra.verbose, "Say what each scenario does");
    run->add_flag("--quiet", ra.quiet,
                  "Print only the final verdict line (no progress, no summary); the reports "
                  "are written as usual")
        ->excludes("--verbose");
    run->add_flag("--keep", ra.keep, "Keep each run's data folder and logs under OUT/work");
    run->add_option("--compare-to", ra.compare_to,
                    "After the run, compare it with this earlier run (a report.json or its "
                    "folder): compare.md and compare.xml in --out; see `compare`");
    add_gate_options(*run, ra.gate);
    run->add_option("--shard", ra.shard,
                    "Run shard I of N (1-based, e.g. 2/4): load scenarios (\"shard_by\": "
                    "\"clients\") run client k when k mod N = I-1, the others are dealt one per "
                    "shard; auto: from JOB_COMPLETION_INDEX (with --shard-count) or "
                    "CI_NODE_INDEX/CI_NODE_TOTAL");
    run->add_option("--shard-count", ra.shard_count,
                    "N for --shard auto under a Kubernetes Indexed Job (its completions)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{kMaxShards}));
    run->add_option("--start-at", ra.start_at,
                    "When the clients begin, after setup: an RFC 3339 time "
                    "(2026-12-04T23:10:00Z) or +SECONDS from the first shard's announcement in "
                    "--start-dir");
    run->add_option("--start-dir", ra.start_dir,
                    "A folder every shard shares: the first writes start-at there (with "
                    "--start-at +SECONDS)");
}

void setup_report(CLI::App& app, ReportArgs& ra) {
    auto* rep = app.add_subcommand("report", "Render the reports again from a saved report.json");
    rep->add_option("--from", ra.from, "The report.json (default harness-report/report.json)");
    rep->add_option("--out", ra.out, "Folder for the reports");
    rep->add_option("--format", ra.formats,
                    std::string("Comma-separated: ") + kDefaultFormats + " (default all)");
}

// The run's options that name services and how to reach them, checked together.
void check_services(const RunArgs& a, RunConfig& c) {
    c.transport = chosen_transport({a.transport, a.server_url, a.server_cmd});
    for (const auto& [option, given] :
         {std::pair{"--server-url", &a.server_url}, std::pair{"--server-cmd", &a.server_cmd}}) {
        if (!given->empty() && a.ollama_url.empty()) {
            throw std::invalid_argument(
                std::string(option) +
                " needs --ollama-url: the mock-ollama that server uses (its admin API "
                "decides the stream checks)");
        }
    }
    if (!a.protocol_version.empty() && !is_protocol_version(a.protocol_version)) {
        throw std::invalid_argument("--protocol-version: unknown revision '" + a.protocol_version +
                                    "'; valid: " + protocol_versions_list());
    }
    for (const auto& h : a.headers) c.headers.push_back(parse_header(h));
    if (!c.headers.empty() && c.transport == "stdio") {
        throw std::invalid_argument(
            "--header: a stdio server gets no HTTP headers; headers go with --transport ws or "
            "http");
    }
}

// The run's options that name files and services, checked before anything starts.
RunConfig resolve_run(const RunArgs& a) {
    RunConfig c;
    c.formats = split_formats(a.formats);
    check_services(a, c);
    // The summaries file may not exist yet (the server creates it); the patients must.
    std::error_code ec;
    if (!a.patients_csv.empty() && !fs::is_regular_file(a.patients_csv, ec)) {
        throw std::invalid_argument("--patients-csv: " + a.patients_csv + " is not a file");
    }
    if (!a.baseline.empty()) c.baseline = reports::load_baseline(a.baseline);
    if (!a.compare_to.empty()) {
        c.gate = GateConfig{load_report(a.compare_to), resolve_gate(a.gate), a.out};
    } else if (any_gate_option(a.gate)) {
        throw std::invalid_argument(
            "--max-regression, --thresholds, --min-change and --min-count go with --compare-to");
    }
    c.shard = resolve_shard(a.shard, a.shard_count, process_env());
    c.start_at = parse_start_at(a.start_at, a.start_dir);
    c.paths = scenario_paths(a.paths);
    c.given = a;
    return c;
}

}  // namespace

std::set<std::string> split_formats(const std::string& s) {
    std::set<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item != "md" && item != "junit" && item != "json" && item != "html") {
            throw std::invalid_argument("--format: unknown format '" + item +
                                        "'; use md, junit, json, html");
        }
        out.insert(item);
    }
    return out;
}

std::string chosen_transport(const ServerChoice& a) {
    if (!a.transport.empty() && !is_transport(a.transport)) {
        throw std::invalid_argument("--transport: unknown transport '" + a.transport +
                                    "'; valid: " + common::spelled_list(kTransportNames));
    }
    if (!a.server_url.empty() && !a.server_cmd.empty()) {
        throw std::invalid_argument(
            "--server-url and --server-cmd both name the server under test: give one");
    }
    if (!a.server_url.empty()) {
        const auto implied = transport_of_url(a.server_url);
        if (!implied) {
            throw std::invalid_argument("--server-url: '" + a.server_url +
                                        "' is neither ws://HOST:PORT/PATH (WebSocket) nor "
                                        "http://HOST:PORT/PATH (Streamable HTTP)");
        }
        if (a.transport == "stdio") {
            throw std::invalid_argument(
                "--transport stdio starts the server itself: name it with --server-cmd, not "
                "--server-url");
        }
        if (!a.transport.empty() && a.transport != *implied) {
            throw std::invalid_argument("--transport " + a.transport +
                                        " does not match --server-url " + a.server_url + ", a " +
                                        *implied + " URL");
        }
        return *implied;
    }
    if (!a.server_cmd.empty()) {
        if (!a.transport.empty() && a.transport != "stdio") {
            throw std::invalid_argument(
                "--server-cmd starts a stdio server for each client: it "
                "goes with --transport stdio, not " +
                a.transport);
        }
        return "stdio";
    }
    return a.transport;
}

void setup_cli(CLI::App& app, CliOptions& o) {
    app.description(
        "mcp-harness: runs scenarios against an MCP server that streams LLM tokens, "
        "decides the validation checklist and writes reports (checklist.md, junit.xml, "
        "report.json, report.html). Exit codes: 0 all checks passed (or expected failures), 1 a "
        "check failed, 2 harness error (bad scenario file, a process that would not "
        "start, an incomplete run).");
    app.require_subcommand(1);
    app.set_version_flag("--version", "mcp-harness " + std::string(common::kVersion));
    setup_run(app, o.run);
    app.add_subcommand("list", "Show scenarios and their checks")
        ->add_option("paths", o.list.paths, kPathsHelp);
    app.add_subcommand("validate", "Check scenario files without running them")
        ->add_option("paths", o.validate.paths, kPathsHelp);
    setup_report(app, o.report);
    setup_compare(app, o.compare);
    setup_chat(app, o.chat);
    setup_merge(app, o.merge);
}

Resolved resolve(const CLI::App& app, const CliOptions& o, const char* step_summary_env) {
    Resolved r;
    if (step_summary_env != nullptr) r.step_summary = step_summary_env;
    if (app.got_subcommand("run")) {
        r.command = Command::run;
        r.run = resolve_run(o.run);
    } else if (app.got_subcommand("list")) {
        r.command = Command::list;
        r.paths = scenario_paths(o.list.paths);
    } else if (app.got_subcommand("validate")) {
        r.command = Command::validate;
        r.paths = scenario_paths(o.validate.paths);
    } else if (app.got_subcommand("report")) {
        r.command = Command::report;
        r.report = {o.report.from, o.report.out, split_formats(o.report.formats)};
    } else if (app.got_subcommand("compare")) {
        r.command = Command::compare;
        r.compare = resolve_compare(o.compare);
    } else if (app.got_subcommand("chat")) {
        r.command = Command::chat;
        r.chat = resolve_chat(o.chat);
    } else if (app.got_subcommand("merge")) {
        r.command = Command::merge;
        r.merge = resolve_merge(o.merge);
    } else {
        throw std::invalid_argument(
            "a subcommand is required: run, list, validate, report, compare, chat or merge");
    }
    return r;
}

}  // namespace harness::cli
