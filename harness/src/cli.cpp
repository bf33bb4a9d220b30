#include "harness/cli.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include "common/clock.hpp"
#include "common/version.hpp"
#include "harness/checks.hpp"
#include "harness/metrics.hpp"
#include "harness/output_folder.hpp"
#include "harness/proc_stats.hpp"
#include "harness/runner.hpp"
#include "harness/scenario.hpp"
#include "reports/baseline.hpp"
#include "reports/json.hpp"
#include "reports/junit.hpp"
#include "reports/markdown.hpp"
#include "reports/report.hpp"
#include "reports/terminal.hpp"

namespace harness {

namespace fs = std::filesystem;

namespace {

constexpr int kHarnessError = 2;

struct RunArgs {
    std::vector<std::string> paths;
    std::string out = "harness-report";
    std::string formats = "md,junit,json";
    double time_scale = 1.0;
    std::string filter;
    unsigned jobs = 1;
    std::uint64_t seed = 7;
    std::string server_url, ollama_url, summaries_csv, patients_csv, baseline;
    bool verbose = false, keep = false;
};

std::vector<fs::path> scenario_paths(const std::vector<std::string>& given) {
    std::vector<fs::path> paths(given.begin(), given.end());
    if (paths.empty()) paths.push_back("scenarios/checklist");
    return paths;
}

// The run's options that name files and services, checked before anything starts.
void check_run_options(const RunArgs& a) {
    if (!a.server_url.empty() && a.ollama_url.empty()) {
        throw std::invalid_argument(
            "--server-url needs --ollama-url: the mock-ollama that server uses (its admin API "
            "decides the stream checks)");
    }
    // The summaries file may not exist yet (the server creates it); the patients must.
    std::error_code ec;
    if (!a.patients_csv.empty() && !fs::is_regular_file(a.patients_csv, ec)) {
        throw std::invalid_argument("--patients-csv: " + a.patients_csv + " is not a file");
    }
}

std::set<std::string> split_formats(const std::string& s) {
    std::set<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ',')) {
        if (item != "md" && item != "junit" && item != "json") {
            throw std::invalid_argument("--format: unknown format '" + item +
                                        "'; use md, junit, json");
        }
        out.insert(item);
    }
    return out;
}

// Writes the chosen formats into `out`, and the checklist to $GITHUB_STEP_SUMMARY. Throws
// std::runtime_error with a message on any I/O failure.
void write_reports(const reports::RunReport& report, const fs::path& out,
                   const std::set<std::string>& formats) {
    ensure_writable_folder(out);
    const std::string md = reports::render_markdown(report);
    if (formats.count("md")) write_text_file(out / "checklist.md", md);
    if (formats.count("junit")) write_text_file(out / "junit.xml", reports::render_junit(report));
    if (formats.count("json")) write_text_file(out / "report.json", reports::render_json(report));
    if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
        std::ofstream(summary, std::ios::app) << md << '\n';
    }
}

reports::ScenarioResult decide(const Scenario& sc, const ScenarioOutput& out) {
    reports::ScenarioResult r;
    r.name = sc.name;
    r.file = sc.file.string();
    r.description = sc.description;
    r.seconds = out.seconds;
    for (const auto& e : out.run.harness_errors) {
        r.harness_error += (r.harness_error.empty() ? "" : "; ") + e;
    }
    if (r.harness_error.empty()) {
        for (const auto& id : sc.checks) {
            if (id == reports::kSuiteAllPass) continue;  // the run-level rollup
            const auto t0 = std::chrono::steady_clock::now();
            auto c = evaluate_check(id, out.run);
            c.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            r.checks.push_back(std::move(c));
        }
        r.metrics = scenario_metrics(out.run);
        std::uint64_t tokens = 0;
        for (const auto& st : out.run.steps) tokens += st.call.token_count;
        r.extra["tokens_received"] = tokens;
        // Per call, for comparing runs call by call (report.json only).
        nlohmann::json calls = nlohmann::json::array();
        for (const auto& st : out.run.steps) {
            if (st.kind != StepKind::generate || !st.is_call) continue;
            std::vector<std::int64_t> emitted;
            if (st.mock_request) emitted = out.run.mock_requests[*st.mock_request].emitted_us();
            const auto m = call_metrics(st.call, emitted);
            const auto lag = percentiles(m.lag_ms);
            const auto itl = percentiles(m.itl_ms);
            calls.push_back({{"client", st.client},
                             {"step", st.path},
                             {"patient", st.patient_id},
                             {"ok", st.call.ok()},
                             {"tokens", m.tokens},
                             {"ttft_ms", m.ttft_ms},
                             {"e2e_ms", m.e2e_ms},
                             {"itl_p50_ms", itl.p50},
                             {"itl_p99_ms", itl.p99},
                             {"relay_lag_p50_ms", lag.p50},
                             {"relay_lag_p99_ms", lag.p99},
                             {"tokens_per_s", m.stream_tokens_per_s}});
        }
        r.extra["calls"] = std::move(calls);
        r.extra["clients"] = sc.clients;
    }
    bool bad = !r.harness_error.empty();
    for (const auto& c : r.checks)
        bad |= c.status == reports::Status::failed || c.status == reports::Status::error;
    if (bad) r.attachments = out.attachments;
    return r;
}

// The latency figures per scenario: the numbers a person looks for first.
void print_metrics(const reports::RunReport& report) {
    bool header = false;
    for (const auto& sc : report.scenarios) {
        std::string line;
        for (const auto& m : sc.metrics) {
            if (m.name != "ttft" && m.name != "itl" && m.name != "relay_lag") continue;
            char buf[160];
            std::snprintf(buf, sizeof buf, "  %s p50 %.1f p99 %.1f max %.1f %s",
                          std::string(reports::metric_label(m.name)).c_str(), m.p50, m.p99, m.max,
                          m.unit.c_str());
            line += buf;
        }
        if (line.empty()) continue;
        if (!header) std::cout << "\nlatency per scenario (definitions in checklist.md):\n";
        header = true;
        std::cout << "  " << sc.name << ":" << line << '\n';
    }
}

int run_command(const RunArgs& a, const char* argv0) {
    std::vector<Scenario> scenarios;
    try {
        scenarios = load_scenarios(scenario_paths(a.paths));
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness: invalid scenario file(s):\n" << e.what() << '\n';
        return kHarnessError;
    }
    if (!a.filter.empty()) {
        std::erase_if(scenarios, [&](const Scenario& s) {
            if (s.name.find(a.filter) != std::string::npos) return false;
            for (const auto& c : s.checks) {
                if (c.find(a.filter) != std::string::npos) return false;
            }
            return true;
        });
    }
    if (scenarios.empty()) {
        std::cerr << "mcp-harness: no scenario to run (paths or --filter matched nothing)\n";
        return kHarnessError;
    }
    // Every option that can be checked without running is checked now: a mistake in one
    // must not cost a whole run before it is reported.
    std::set<std::string> formats;
    std::optional<reports::Baseline> baseline;
    try {
        formats = split_formats(a.formats);
        check_run_options(a);
        if (!a.baseline.empty()) baseline = reports::load_baseline(a.baseline);
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness: " << e.what() << '\n';
        return kHarnessError;
    }
    try {
        ensure_writable_folder(a.out);
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness: --out: " << e.what() << '\n';
        return kHarnessError;
    }

    RunOptions o;
    o.time_scale = a.time_scale;
    o.seed = a.seed;
    o.server_url = a.server_url;
    o.ollama_url = a.ollama_url;
    o.summaries_csv = a.summaries_csv;
    o.patients_csv = a.patients_csv;
    o.keep_work_dir = a.keep;
    const fs::path self = fs::read_symlink("/proc/self/exe");
    o.mock_bin = find_binary("mock-ollama", self);
    o.server_bin = find_binary("mcp-server", self);
    (void)argv0;
    o.work_dir = fs::absolute(a.out) / "work";
    const bool tty = ::isatty(STDOUT_FILENO) != 0;
    std::mutex print;
    if (a.verbose) {
        o.on_progress = [&print](const std::string& line) {
            std::lock_guard lock(print);
            std::cout << "  " << line << '\n' << std::flush;
        };
    }

    reports::RunReport report;
    report.tool_version = std::string(common::kVersion);
    report.started_at = common::rfc3339_micros(common::wall_micros());
    report.options = {{"time_scale", a.time_scale}, {"seed", a.seed},
                      {"server_url", a.server_url}, {"ollama_url", a.ollama_url},
                      {"filter", a.filter},         {"jobs", a.jobs}};
    report.scenarios.resize(scenarios.size());
    const auto t0 = std::chrono::steady_clock::now();
    std::atomic<std::size_t> next{0}, done{0};
    std::atomic<std::uint64_t> calls{0}, live_tokens{0};
    o.calls_done = &calls;
    o.tokens_seen = &live_tokens;
    // On a terminal, one status line refreshed four times a second: scenario i/N, calls
    // done, tokens streamed. Plain lines otherwise (CI logs).
    std::atomic<bool> ticking{tty};
    std::string current;
    std::thread ticker;
    if (tty) {
        ticker = std::thread([&] {
            while (ticking.load()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(250));
                std::lock_guard lock(print);
                if (!ticking.load() || current.empty()) continue;
                std::cout << "\r\033[K" << current << " — " << calls.load() << " calls, "
                          << live_tokens.load() << " tokens" << std::flush;
            }
        });
    }
    auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < scenarios.size();) {
            {
                std::lock_guard lock(print);
                if (tty) std::cout << "\r\033[K";
                current = "[" + std::to_string(i + 1) + "/" + std::to_string(scenarios.size()) +
                          "] " + scenarios[i].name;
                std::cout << current << " ..." << (tty ? "" : "\n") << std::flush;
            }
            ScenarioOutput out;
            try {
                out = run_scenario(scenarios[i], o);
                report.scenarios[i] = decide(scenarios[i], out);
            } catch (const std::exception& e) {
                // On a worker thread an escaping exception would abort the whole run.
                report.scenarios[i].name = scenarios[i].name;
                report.scenarios[i].file = scenarios[i].file.string();
                report.scenarios[i].harness_error = e.what();
            }
            const auto counts = report.scenarios[i].counts();
            std::lock_guard lock(print);
            if (tty) std::cout << "\r\033[K";
            const bool ok = report.scenarios[i].harness_error.empty() && counts.failed == 0 &&
                            counts.errors == 0;
            std::cout << "[" << ++done << "/" << scenarios.size() << "] " << scenarios[i].name
                      << ": " << (ok ? "passed" : "FAILED") << " (" << counts.passed << "/"
                      << counts.checks << " checks, " << std::fixed << std::setprecision(1)
                      << out.seconds << " s)\n"
                      << std::flush;
            if (!report.scenarios[i].harness_error.empty()) {
                std::cout << "    harness error: " << report.scenarios[i].harness_error << '\n';
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned j = 1; j < std::max(1u, a.jobs); ++j) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    ticking = false;
    if (ticker.joinable()) ticker.join();
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    if (baseline) reports::apply_baseline(report, *baseline);
    // The harness's own cost, so that its figures can be trusted at 1,000 clients.
    const auto cpu = self_cpu();
    std::uint64_t tokens = 0;
    for (const auto& sc : report.scenarios) tokens += sc.extra.value("tokens_received", 0ULL);
    report.options["harness_cpu_s"] = cpu.total();
    report.options["tokens_received"] = tokens;
    std::cout << '\n' << reports::render_terminal_summary(report, tty);
    print_metrics(report);
    if (tokens > 0) {
        std::printf("\nharness: %llu tokens received, %.2f s CPU (%.1f us per token)\n",
                    static_cast<unsigned long long>(tokens), cpu.total(),
                    cpu.total() * 1e6 / static_cast<double>(tokens));
    }
    try {
        write_reports(report, a.out, formats);
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness: " << e.what() << '\n';
        return kHarnessError;
    }
    std::cout << "\nreports in " << fs::absolute(a.out).string() << "/ (" << a.formats << ")\n";
    return reports::exit_code(report);
}

}  // namespace

int run_mcp_harness(int argc, char** argv) {
    CLI::App app{
        "mcp-harness: runs scenarios against an MCP server that streams LLM tokens, "
        "decides the validation checklist and writes reports (checklist.md, junit.xml, "
        "report.json). Exit codes: 0 all checks passed (or expected failures), 1 a "
        "check failed, 2 harness error (bad scenario file, a process that would not "
        "start, an incomplete run)."};
    app.require_subcommand(1);
    app.set_version_flag("--version", "mcp-harness " + std::string(common::kVersion));

    RunArgs ra;
    auto* run = app.add_subcommand("run", "Run scenarios and write the reports");
    run->add_option("paths", ra.paths, "Scenario files or folders (default scenarios/checklist)");
    run->add_option("--out", ra.out, "Folder for the reports (default harness-report)");
    run->add_option("--format", ra.formats, "Comma-separated: md,junit,json (default all)");
    run->add_option("--time-scale", ra.time_scale,
                    "Multiply every duration (0.01 = a hundred times faster)")
        ->check(CLI::Range(1e-4, 100.0));
    run->add_option("--filter", ra.filter, "Only scenarios whose name or a check id contains this");
    run->add_option("--jobs", ra.jobs, "Scenarios in parallel (default 1)")
        ->check(CLI::Range(1, 64));
    run->add_option("--seed", ra.seed, "The mock's seed (default 7)");
    run->add_option("--server-url", ra.server_url,
                    "Test a running server (ws://...) instead of launching ours");
    run->add_option("--ollama-url", ra.ollama_url, "The mock-ollama that server uses");
    run->add_option("--summaries-csv", ra.summaries_csv, "That server's patient_summaries.csv");
    run->add_option("--patients-csv", ra.patients_csv, "That server's patients_data.csv");
    run->add_option("--baseline", ra.baseline, "Expected failures (JSON); see reports/README.md");
    run->add_flag("--verbose", ra.verbose, "Say what each scenario does");
    run->add_flag("--keep", ra.keep, "Keep each run's data folder and logs under OUT/work");

    std::vector<std::string> list_paths, validate_paths;
    auto* list = app.add_subcommand("list", "Show scenarios and their checks");
    list->add_option("paths", list_paths,
                     "Scenario files or folders (default scenarios/checklist)");
    auto* validate = app.add_subcommand("validate", "Check scenario files without running them");
    validate->add_option("paths", validate_paths,
                         "Scenario files or folders (default scenarios/checklist)");

    std::string from = "harness-report/report.json", rep_out = "harness-report",
                rep_formats = "md,junit,json";
    auto* rep = app.add_subcommand("report", "Render the reports again from a saved report.json");
    rep->add_option("--from", from, "The report.json (default harness-report/report.json)");
    rep->add_option("--out", rep_out, "Folder for the reports");
    rep->add_option("--format", rep_formats, "Comma-separated: md,junit,json");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (*run) return run_command(ra, argv[0]);
    if (*list || *validate) {
        const auto& paths = *list ? list_paths : validate_paths;
        std::vector<Scenario> scenarios;
        try {
            scenarios = load_scenarios(scenario_paths(paths));
        } catch (const std::exception& e) {
            std::cerr << e.what() << '\n';
            return kHarnessError;
        }
        for (const auto& s : scenarios) {
            if (*validate) {
                std::cout << "ok  " << s.file.string() << "  (" << s.name << ")\n";
                continue;
            }
            std::cout << s.name << "  [" << s.file.string() << "]\n";
            if (!s.description.empty()) std::cout << "    " << s.description << '\n';
            std::cout << "    clients " << s.clients << ", steps " << s.steps.size() << ", checks:";
            for (const auto& c : s.checks) std::cout << ' ' << c;
            std::cout << '\n';
        }
        if (*validate) std::cout << scenarios.size() << " scenario file(s) valid\n";
        return 0;
    }
    // report
    try {
        std::ifstream in(from, std::ios::binary);
        if (!in) throw std::runtime_error("cannot open " + from);
        std::stringstream ss;
        ss << in.rdbuf();
        const auto report = reports::parse_json(ss.str());
        write_reports(report, rep_out, split_formats(rep_formats));
        std::cout << reports::render_terminal_summary(report, ::isatty(STDOUT_FILENO) != 0);
        return reports::exit_code(report);
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness report: " << e.what() << '\n';
        return kHarnessError;
    }
}

}  // namespace harness
