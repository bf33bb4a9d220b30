// mcp_server_load (a): N clients at once, one generate_summary each; wall time, TTFT, ITL,
// relay lag against the mock's emission stamps, correctness of every token (after the timed
// part), server memory and CPU, and this process's CPU per token.
#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

#include "harness/mock_admin.hpp"
#include "harness/mock_match.hpp"
#include "harness/proc_stats.hpp"
#include "latch.hpp"
#include "server_load.hpp"
#include "stream_check.hpp"

namespace server_load {

using nlohmann::json;

namespace {

struct Calls {
    explicit Calls(std::size_t n) : records(n), latch(n) {}
    std::vector<harness::CallRecord> records;
    bench::Latch latch;
};

// One generate_summary per client, all at once.
std::shared_ptr<Calls> call_all(const std::vector<std::shared_ptr<harness::McpClient>>& clients,
                                bool progress, std::size_t patients) {
    auto calls = std::make_shared<Calls>(clients.size());
    harness::RequestOptions ro;
    ro.progress = progress;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        clients[i]->call(
            "tools/call", generate_params(patient_id(i % patients + 1)),
            [calls, i](harness::CallRecord r) {
                calls->records[i] = std::move(r);
                calls->latch.count_down();
            },
            ro);
    }
    return calls;
}

// Timing, first request sent to last response; returns the tokens received in all.
std::uint64_t timing_figures(const std::vector<harness::StepRecord>& steps, Run& run,
                             std::map<std::string, std::size_t>& failures) {
    std::int64_t first_sent = 0, last_response = 0;
    std::uint64_t tokens = 0;
    std::size_t ok = 0;
    for (const auto& step : steps) {
        const auto& r = step.call;
        if (r.sent_steady_us != 0 && (first_sent == 0 || r.sent_steady_us < first_sent)) {
            first_sent = r.sent_steady_us;
        }
        last_response = std::max(last_response, r.response_steady_us);
        tokens += r.token_count;
        if (r.ok()) {
            ++ok;
        } else {
            ++failures[r.failure().substr(0, 160)];
        }
    }
    run.set("calls_ok", static_cast<double>(ok));
    run.set("wall_s", static_cast<double>(last_response - first_sent) / 1e6);
    run.set("tokens", static_cast<double>(tokens));
    return tokens;
}

// The mock request that produced each call's stream (-1: none), found by the patient's name.
std::vector<long> match_mock(const std::vector<harness::StepRecord>& steps,
                             const std::vector<harness::MockRequest>& mock_requests) {
    std::vector<const harness::CallRecord*> calls;
    std::vector<std::string> hints;
    for (const auto& step : steps) {
        calls.push_back(&step.call);
        const auto name = name_in_result(step.call.result_text());
        hints.push_back(name.empty() ? std::string() : "Name: " + name + "\n");
    }
    return harness::match_calls_to_mock(calls, hints, mock_requests);
}

struct Verdict {
    std::size_t unmatched = 0;
    std::string first_problem;
};

// The problem of call i against its mock request, "" when it is correct.
std::string call_problem(std::size_t i, const harness::StepRecord& step,
                         const harness::MockRequest& m, std::size_t tokens) {
    if (m.outcome != "completed") {
        return "mock request " + std::to_string(m.id) + " outcome " + m.outcome;
    }
    if (m.tokens.size() != tokens)
        return "mock emitted " + std::to_string(m.tokens.size()) + " tokens";
    if (auto p = bench::stream_problem(step, m); !p.empty()) {
        return "call " + std::to_string(i) + ": " + p;
    }
    return {};
}

// Correctness and the latency figures of every stream against what the mock emitted.
Verdict stream_figures(const std::vector<harness::StepRecord>& steps,
                       const std::vector<harness::MockRequest>& mock_requests, std::size_t tokens,
                       Run& run) {
    const auto match = match_mock(steps, mock_requests);
    std::vector<double> ttft, itl, lag, e2e;
    // Where the time to first token goes: request sent by the client until the mock received
    // the server's upstream request; mock receipt until its first token.
    std::vector<double> forward, upstream_ttft;
    std::size_t correct = 0;
    Verdict v;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const auto& r = steps[i].call;
        std::vector<std::int64_t> emitted;
        std::string problem;
        if (match[i] < 0) {
            ++v.unmatched;
            problem = "no mock request matches call " + std::to_string(i);
        } else {
            const auto& m = mock_requests[static_cast<std::size_t>(match[i])];
            emitted = m.emitted_us();
            if (r.sent_wall_us != 0) {
                forward.push_back(static_cast<double>(m.received_us - r.sent_wall_us) / 1000);
            }
            if (!m.tokens.empty()) {
                upstream_ttft.push_back(static_cast<double>(m.tokens[0].t_us - m.received_us) /
                                        1000);
            }
            problem = call_problem(i, steps[i], m, tokens);
        }
        if (problem.empty()) {
            ++correct;
        } else if (v.first_problem.empty()) {
            v.first_problem = problem;
        }
        const auto m = harness::call_metrics(r, emitted);
        if (m.ttft_ms >= 0) ttft.push_back(m.ttft_ms);
        if (m.e2e_ms >= 0) e2e.push_back(m.e2e_ms);
        itl.insert(itl.end(), m.itl_ms.begin(), m.itl_ms.end());
        lag.insert(lag.end(), m.lag_ms.begin(), m.lag_ms.end());
    }
    run.set("streams_correct", static_cast<double>(correct));
    run.add_percentiles("ttft_ms", harness::percentiles(ttft));
    run.add_percentiles("forward_ms", harness::percentiles(forward));
    run.add_percentiles("mock_ttft_ms", harness::percentiles(upstream_ttft));
    run.add_percentiles("itl_ms", harness::percentiles(itl));
    run.add_percentiles("lag_ms", harness::percentiles(lag));
    run.add_percentiles("e2e_ms", harness::percentiles(e2e));
    return v;
}

void cpu_figures(const CpuSample& before, const CpuSample& after, std::uint64_t tokens, Run& run) {
    const double wall = after.t - before.t;
    const double n = static_cast<double>(tokens);
    run.set("server_cpu_s", after.server - before.server);
    run.set("mock_cpu_s", after.mock - before.mock);
    run.set("client_cpu_s", after.self - before.self);
    run.set("machine_busy_cores", (after.machine - before.machine) / wall);
    run.set("other_cores", (after.machine - before.machine - (after.server - before.server) -
                            (after.mock - before.mock) - (after.self - before.self)) /
                               wall);
    run.set("server_cpu_us_per_token", tokens ? (after.server - before.server) * 1e6 / n : 0);
    run.set("mock_cpu_us_per_token", tokens ? (after.mock - before.mock) * 1e6 / n : 0);
    run.set("server_switches_per_token",
            tokens ? (after.server_switches - before.server_switches) / n : 0);
    run.set("client_cpu_us_per_token", tokens ? (after.self - before.self) * 1e6 / n : 0);
}

}  // namespace

Run run_streams(const Options& o, bool progress, double load) {
    Run run;
    run.set("load_avg_1m", load);
    TempDir dir;
    if (o.keep_data) dir.keep();
    const std::size_t patients = std::max<std::size_t>(o.clients, 100);
    auto mock = start_mock(o, dir.path(), o.tokens, o.tps, o.ttft_ms, o.clients + 100);
    auto server = start_server(o, dir.path(), mock->url(), patients);
    harness::MockAdmin admin(mock->url());

    harness::EventLoop loop(o.client_threads);
    auto fleet = connect_clients(o, loop, server->url(), o.clients);
    run.set("connect_s", fleet.seconds);
    const auto& clients = fleet.clients;
    const auto before = sample_cpu(server->pid(), mock->pid());
    auto calls = call_all(clients, progress, patients);
    const double expected_s = o.ttft_ms / 1000 + static_cast<double>(o.tokens) / o.tps;
    const bool all_done = calls->latch.wait_for(std::chrono::duration<double>(expected_s + 120));
    const auto after = sample_cpu(server->pid(), mock->pid());
    run.set("server_peak_mib", mib(harness::process_status_kib(server->pid(), "VmHWM")));
    run.set("mock_peak_mib", mib(harness::process_status_kib(mock->pid(), "VmHWM")));
    if (!all_done) run.notes.push_back("not every call ended within the deadline");

    std::uint64_t unrouted = 0, invalid = 0;
    for (const auto& c : clients) {
        unrouted += c->stats().unrouted;
        invalid += c->stats().invalid;
    }
    bench::close_fleet(clients);
    loop.stop();  // the records are ours alone from here

    std::vector<harness::StepRecord> steps;
    steps.reserve(calls->records.size());
    for (auto& r : calls->records) {
        steps.push_back(bench::generate_step(steps.size(), std::move(r), progress));
    }
    std::map<std::string, std::size_t> failures;
    const std::uint64_t tokens = timing_figures(steps, run, failures);
    // The mock's view: which request produced each stream, and when it emitted each token.
    const Verdict verdict = stream_figures(steps, admin.requests(), o.tokens, run);
    cpu_figures(before, after, tokens, run);
    run.set("unrouted_frames", static_cast<double>(unrouted));
    run.set("invalid_frames", static_cast<double>(invalid));
    if (verdict.unmatched) {
        run.notes.push_back(std::to_string(verdict.unmatched) + " calls matched no mock request");
    }
    if (!verdict.first_problem.empty()) {
        run.notes.push_back("first problem: " + verdict.first_problem);
    }
    for (const auto& [why, n] : failures) run.notes.push_back(std::to_string(n) + " x " + why);
    run.details["mock_stats"] = admin.stats();
    // How late the mock itself emitted tokens against its schedule (CPU starvation shows here
    // first); the relay lag above starts from the actual emission, not the schedule.
    const auto lateness = run.details["mock_stats"].value("lateness_ms", json::object());
    run.set("mock_lateness_ms_p50", lateness.value("p50", 0.0));
    run.set("mock_lateness_ms_p99", lateness.value("p99", 0.0));
    return run;
}

}  // namespace server_load
