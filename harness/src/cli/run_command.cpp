// `mcp-harness run`: the scenarios chosen, run (in parallel with --jobs), decided, and the
// reports written and summarised.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <set>
#include <thread>

#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "common/clock.hpp"
#include "common/enum_names.hpp"
#include "common/version.hpp"
#include "harness/output_folder.hpp"
#include "harness/proc_stats.hpp"
#include "harness/report_builder.hpp"
#include "harness/runner.hpp"
#include "harness/scenario.hpp"
#include "reports/terminal.hpp"
#include "scenario/scenario_search.hpp"

namespace harness::cli {

namespace fs = std::filesystem;

namespace {

// Keeps the scenarios whose name or one of whose check ids contains `filter`.
void apply_filter(std::vector<Scenario>& scenarios, const std::string& filter) {
    if (filter.empty()) return;
    std::erase_if(scenarios, [&](const Scenario& s) {
        if (s.name.find(filter) != std::string::npos) return false;
        for (const auto& c : s.checks) {
            if (c.find(filter) != std::string::npos) return false;
        }
        return true;
    });
}

RunOptions runner_options(const RunConfig& c) {
    RunOptions o;
    o.time_scale = c.given.time_scale;
    o.seed = c.given.seed;
    o.server_url = c.given.server_url;
    o.ollama_url = c.given.ollama_url;
    o.summaries_csv = c.given.summaries_csv;
    o.patients_csv = c.given.patients_csv;
    o.server_cmd = c.given.server_cmd;
    o.transport = c.transport;
    o.protocol_version = c.given.protocol_version;
    o.headers = c.headers;
    o.keep_work_dir = c.given.keep;
    o.connects_in_flight = c.given.connects_in_flight;
    const fs::path self = fs::read_symlink("/proc/self/exe");
    o.mock_bin = find_binary("mock-ollama", self);
    o.server_bin = find_binary("mcp-server", self);
    o.work_dir = fs::absolute(c.given.out) / "work";
    return o;
}

// "http", or "ws, stdio" when the scenarios chose differently: what a run was tested over.
std::string shown_choice(const std::vector<Scenario>& scenarios, const RunOptions& o,
                         std::string (*choice)(const RunOptions&, const Scenario&)) {
    std::set<std::string> seen;
    for (const auto& sc : scenarios) seen.insert(choice(o, sc));
    return common::spelled_list(seen);
}

reports::RunReport start_report(const RunConfig& c, const RunOptions& o,
                                const std::vector<Scenario>& scenarios) {
    reports::RunReport report;
    report.tool_version = std::string(common::kVersion);
    report.started_at = common::rfc3339_micros(common::wall_micros());
    // Header values are often secrets: the report names them only.
    std::vector<std::string> header_names;
    for (const auto& h : c.headers) header_names.push_back(h.first);
    report.options = {{"time_scale", c.given.time_scale},
                      {"seed", c.given.seed},
                      {"transport", shown_choice(scenarios, o, transport_for)},
                      {"protocol_version", shown_choice(scenarios, o, protocol_version_for)},
                      {"server_url", c.given.server_url},
                      {"server_cmd", c.given.server_cmd},
                      {"headers", common::spelled_list(header_names)},
                      {"ollama_url", c.given.ollama_url},
                      {"filter", c.given.filter},
                      {"jobs", c.given.jobs},
                      {"connects_in_flight", c.given.connects_in_flight}};
    if (c.shard) report.options["shard"] = c.shard->text();
    if (o.start_at_us) report.options["start_at"] = common::rfc3339_micros(*o.start_at_us);
    report.scenarios.resize(scenarios.size());
    return report;
}

// Each worker takes the next scenario until none is left; `jobs` workers in all.
void run_all(const std::vector<Scenario>& scenarios, const RunOptions& o, unsigned jobs,
             reports::RunReport& report, Progress& progress) {
    std::atomic<std::size_t> next{0};
    auto worker = [&] {
        for (std::size_t i; (i = next.fetch_add(1)) < scenarios.size();) {
            progress.started(i, scenarios[i].name);
            ScenarioOutput out;
            try {
                out = run_scenario(scenarios[i], o);
                report.scenarios[i] = decide(scenarios[i], out);
            } catch (const std::exception& e) {
                // On a worker thread an escaping exception would abort the whole run.
                report.scenarios[i] = harness_error_result(scenarios[i], e.what());
            }
            progress.finished(scenarios[i].name, report.scenarios[i], out.seconds);
        }
    };
    std::vector<std::thread> threads;
    for (unsigned j = 1; j < std::max(1u, jobs); ++j) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
}

void print_summary(const reports::RunReport& report, std::uint64_t tokens, const CpuTimes& cpu,
                   bool tty) {
    std::cout << '\n' << reports::render_terminal_summary(report, tty);
    print_metrics(report);
    if (tokens > 0) {
        std::printf("\nharness: %llu tokens received, %.2f s CPU (%.1f us per token)\n",
                    static_cast<unsigned long long>(tokens), cpu.total(),
                    cpu.total() * 1e6 / static_cast<double>(tokens));
    }
}

// The scenarios to run, or an error message on stderr and an empty list.
std::vector<Scenario> chosen_scenarios(const RunConfig& c) {
    std::vector<Scenario> scenarios;
    try {
        scenarios = load_scenarios(located_scenarios(c.paths));
    } catch (const ScenarioNotFound& e) {
        std::cerr << "mcp-harness: " << e.what() << '\n';
        return {};
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness: invalid scenario file(s):\n" << e.what() << '\n';
        return {};
    }
    apply_filter(scenarios, c.given.filter);
    if (scenarios.empty()) {
        std::cerr << "mcp-harness: no scenario to run (paths or --filter matched nothing)\n";
    }
    return scenarios;
}

}  // namespace

int run_command(const RunConfig& c, const std::string& step_summary) {
    std::vector<Scenario> scenarios = chosen_scenarios(c);
    if (scenarios.empty()) return kHarnessError;
    if (c.shard) scenarios = shard_scenarios(scenarios, *c.shard);
    try {
        ensure_writable_folder(c.given.out);
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness: --out: " << e.what() << '\n';
        return kHarnessError;
    }
    RunOptions o = runner_options(c);
    try {
        if (c.start_at) o.start_at_us = start_instant(*c.start_at, common::wall_micros());
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness: " << e.what() << '\n';
        return kHarnessError;
    }
    // A mock given by URL with other shards on it: theirs to share, not ours to reset.
    o.shared_mock = !c.given.ollama_url.empty() && c.shard && c.shard->count > 1;
    reports::RunReport report = start_report(c, o, scenarios);
    const bool tty = ::isatty(STDOUT_FILENO) != 0;
    const auto t0 = std::chrono::steady_clock::now();
    {
        const ProgressMode mode = c.given.quiet ? ProgressMode::quiet
                                  : tty         ? ProgressMode::terminal
                                                : ProgressMode::plain;
        Progress progress(scenarios.size(), mode);
        progress.attach(o, c.given.verbose);
        run_all(scenarios, o, c.given.jobs, report, progress);
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // The harness's own cost, so that its figures can be trusted at 1,000 clients.
    const auto cpu = self_cpu();
    const std::uint64_t tokens = finish_report(report, c.baseline, cpu);
    // More shards than scenarios: an empty share is no failure (merge takes its report), and
    // no verdict is printed for it, only the line below.
    const bool empty_shard = c.shard && report.scenarios.empty();
    if (!empty_shard && c.given.quiet) {
        std::cout << reports::render_terminal_verdict(report, tty) << std::flush;
    } else if (!empty_shard) {
        print_summary(report, tokens, cpu, tty);
    }
    try {
        write_reports(report, c.given.out, c.formats, step_summary);
    } catch (const std::exception& e) {
        std::cerr << "mcp-harness: " << e.what() << '\n';
        return kHarnessError;
    }
    if (!c.given.quiet) {
        const fs::path out = fs::absolute(c.given.out);
        std::cout << "\nreports in " << out.string() << "/ (" << c.given.formats << ")\n";
        // The page with the plots is what a person opens first: its path, ready to click.
        if (c.formats.count("html") != 0) {
            std::cout << "open " << (out / "report.html").string() << " for the plots\n";
        }
    }
    if (empty_shard) {
        std::cout << "shard " << c.shard->text()
                  << ": no scenario falls to this shard; an empty report was written\n";
        return 0;
    }
    const int verdict = reports::exit_code(report);
    if (!c.gate) return verdict;
    // The comparison is written even after a failed run (it shows what got worse), but the
    // run's own verdict comes first.
    const auto json = fs::path(c.given.out) / "report.json";
    const int gate = compare_after_run(*c.gate, report, json.string(), step_summary);
    return verdict != 0 ? verdict : gate;
}

}  // namespace harness::cli
