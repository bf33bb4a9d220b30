#include "harness/report_builder.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

#include "harness/checks.hpp"
#include "harness/metrics.hpp"
#include "harness/output_folder.hpp"
#include "reports/html.hpp"
#include "reports/json.hpp"
#include "reports/junit.hpp"
#include "reports/markdown.hpp"
#include "reports/samples.hpp"
#include "shard/shard_report.hpp"

namespace harness {

namespace fs = std::filesystem;

namespace {

// Each check of the scenario on the recorded run (timed by evaluate_check: judged_seconds).
std::vector<reports::CheckResult> evaluate_checks(const Scenario& sc, const ScenarioRun& run) {
    std::vector<reports::CheckResult> out;
    for (const auto& id : sc.checks) {
        if (id == reports::kSuiteAllPass) continue;  // the run-level rollup
        out.push_back(evaluate_check(id, run));
    }
    return out;
}

// Per call, for comparing runs call by call (report.json only).
nlohmann::json call_rows(const ScenarioRun& run) {
    nlohmann::json calls = nlohmann::json::array();
    for (const auto& st : run.steps) {
        if (st.kind != StepKind::generate || !st.is_call) continue;
        std::vector<std::int64_t> emitted;
        if (st.mock_request) emitted = run.mock_requests[*st.mock_request].emitted_us();
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
    return calls;
}

// How a call ended, as samples.jsonl spells it. A call's own deadline is the only transport
// failure that is a timeout.
std::string outcome_of(const StepRecord& st) {
    if (st.call.ok()) return "ok";
    if (st.cancelled) return "cancelled";
    if (!st.call.responded() && st.call.error.starts_with(kNoResponseWithin)) return "timeout";
    return "error";
}

// The raw timings of each generate call, as wall µs since the scenario started (the mock's
// emission stamps are wall µs of the same clock).
std::vector<reports::CallSamples> call_samples(const std::string& scenario,
                                               const ScenarioRun& run) {
    const auto since_start = [&run](std::int64_t wall_us) {
        return wall_us == 0 ? -1 : wall_us - run.started_wall_us;
    };
    std::vector<reports::CallSamples> out;
    for (const auto& st : run.steps) {
        if (st.kind != StepKind::generate || !st.is_call) continue;
        reports::CallSamples c;
        c.scenario = scenario;
        c.call = checks::describe(st);
        c.client = st.client;
        c.patient_id = st.patient_id;
        c.outcome = outcome_of(st);
        c.sent_us = since_start(st.call.sent_wall_us);
        c.response_us = since_start(st.call.response_wall_us);
        for (const auto& t : st.call.tokens) c.arrived_us.push_back(since_start(t.wall_us));
        if (const MockRequest* mock = checks::matched_mock(run, st)) {
            for (const auto t : mock->emitted_us()) c.emitted_us.push_back(since_start(t));
        }
        out.push_back(std::move(c));
    }
    return out;
}

std::uint64_t tokens_received(const ScenarioRun& run) {
    std::uint64_t tokens = 0;
    for (const auto& st : run.steps) tokens += st.call.token_count;
    return tokens;
}

// What the clients' span cost each process, in seconds and per token received: the harness's
// own share without setup, the log and the checks, next to the server it loaded.
nlohmann::json cpu_during_clients(const ScenarioRun& run) {
    const auto tokens = static_cast<double>(tokens_received(run));
    nlohmann::json out = nlohmann::json::object();
    const auto add = [&](const char* who, const std::optional<double>& s) {
        if (!s) return;
        out[std::string(who) + "_s"] = *s;
        if (tokens > 0) out[std::string(who) + "_us_per_token"] = *s * 1e6 / tokens;
    };
    add("harness", run.clients_cpu_s);
    add("server", run.server_clients_cpu_s);
    return out;
}

bool went_wrong(const reports::ScenarioResult& r) {
    bool bad = !r.harness_error.empty();
    for (const auto& c : r.checks)
        bad |= c.status == reports::Status::failed || c.status == reports::Status::error;
    return bad;
}

}  // namespace

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
        r.checks = evaluate_checks(sc, out.run);
        r.metrics = scenario_metrics(out.run);
        r.samples = call_samples(r.name, out.run);
        r.extra["tokens_received"] = tokens_received(out.run);
        r.extra["calls"] = call_rows(out.run);
        r.extra["clients"] = clients_to_run(sc).size();  // a shard: its share (merge sums them)
        if (out.run.clients_cpu_s) r.extra["cpu_during_clients"] = cpu_during_clients(out.run);
    }
    // Even after a harness error: merge must see which shard ran what.
    if (sc.shard) r.extra["shard"] = shard_extra(sc, out.run);
    if (went_wrong(r)) r.attachments = out.attachments;
    return r;
}

reports::ScenarioResult harness_error_result(const Scenario& sc, const std::string& error) {
    reports::ScenarioResult r;
    r.name = sc.name;
    r.file = sc.file.string();
    r.harness_error = error;
    return r;
}

std::uint64_t finish_report(reports::RunReport& report,
                            const std::optional<reports::Baseline>& baseline, const CpuTimes& cpu) {
    if (baseline) reports::apply_baseline(report, *baseline);
    std::uint64_t tokens = 0;
    for (const auto& sc : report.scenarios) tokens += sc.extra.value("tokens_received", 0ULL);
    report.options["harness_cpu_s"] = cpu.total();
    report.options["tokens_received"] = tokens;
    return tokens;
}

void write_reports(const reports::RunReport& report, const fs::path& out,
                   const std::set<std::string>& formats, const std::string& step_summary) {
    ensure_writable_folder(out);
    const std::string md = reports::render_markdown(report);
    if (formats.count("md")) write_text_file(out / "checklist.md", md);
    if (formats.count("junit")) write_text_file(out / "junit.xml", reports::render_junit(report));
    if (formats.count("json")) write_text_file(out / "report.json", reports::render_json(report));
    if (formats.count("html")) write_text_file(out / "report.html", reports::render_html(report));
    if (formats.count("json"))
        write_text_file(out / "samples.jsonl", reports::render_samples(report));
    if (!step_summary.empty()) std::ofstream(step_summary, std::ios::app) << md << '\n';
}

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

}  // namespace harness
