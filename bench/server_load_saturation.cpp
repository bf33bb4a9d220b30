// mcp_server_load (b): the mock at full speed, C clients calling generate_summary back to
// back; the server's relay throughput in tokens/s and where the CPU went.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "harness/proc_stats.hpp"
#include "latch.hpp"
#include "server_load.hpp"

namespace server_load {

namespace {

using Clients = std::vector<std::shared_ptr<harness::McpClient>>;

struct State {
    explicit State(std::size_t n) : drained(n) {}
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> calls{0}, failed{0}, short_streams{0};
    bench::Latch drained;
    std::function<void(std::size_t)> issue;
    std::mutex mutex;
    std::string first_failure;
};

// Each client calls again as soon as its call ends, until `stop`; tokens are counted, not kept.
std::shared_ptr<State> back_to_back(const Clients& clients, std::size_t patients,
                                    std::size_t expected_tokens) {
    auto state = std::make_shared<State>(clients.size());
    harness::RequestOptions ro;
    ro.progress = true;
    ro.keep_tokens = false;
    std::weak_ptr<State> weak = state;
    state->issue = [weak, clients, ro, patients, expected_tokens](std::size_t i) {
        clients[i]->call(
            "tools/call", generate_params(patient_id(i % patients + 1)),
            [weak, i, expected_tokens](harness::CallRecord r) {
                auto s = weak.lock();
                if (!s) return;
                s->calls.fetch_add(1, std::memory_order_relaxed);
                if (!r.ok()) {
                    s->failed.fetch_add(1, std::memory_order_relaxed);
                    std::lock_guard lock(s->mutex);
                    if (s->first_failure.empty()) s->first_failure = r.failure().substr(0, 200);
                } else if (r.token_count != expected_tokens) {
                    s->short_streams.fetch_add(1, std::memory_order_relaxed);
                }
                if (s->stop.load(std::memory_order_relaxed) || !r.error.empty()) {
                    s->drained.count_down();
                } else {
                    s->issue(i);
                }
            },
            ro);
    };
    return state;
}

std::uint64_t tokens_in(const Clients& clients) {
    std::uint64_t n = 0;
    for (const auto& c : clients) n += c->stats().tokens_in;
    return n;
}

// Throughput and CPU between the two samples, with `tokens` and `calls` received in between.
void saturation_figures(const CpuSample& before, const CpuSample& after, double tokens,
                        double calls, Run& run) {
    const double wall = after.t - before.t;
    run.set("tokens_per_s", tokens / wall);
    run.set("calls_per_s", calls / wall);
    run.set("server_cores", (after.server - before.server) / wall);
    run.set("mock_cores", (after.mock - before.mock) / wall);
    run.set("client_cores", (after.self - before.self) / wall);
    const double busy = (after.machine - before.machine) / wall;
    run.set("machine_busy_cores", busy);
    run.set("other_cores", busy - (after.server - before.server + after.mock - before.mock +
                                   after.self - before.self) /
                                      wall);
    run.set("server_cpu_us_per_token",
            tokens > 0 ? (after.server - before.server) * 1e6 / tokens : 0);
    run.set("mock_cpu_us_per_token", tokens > 0 ? (after.mock - before.mock) * 1e6 / tokens : 0);
    run.set("client_cpu_us_per_token", tokens > 0 ? (after.self - before.self) * 1e6 / tokens : 0);
    run.set("server_switches_per_token",
            tokens > 0 ? (after.server_switches - before.server_switches) / tokens : 0);
}

}  // namespace

Run run_saturation(const Options& o, std::size_t concurrency, double load) {
    Run run;
    run.set("load_avg_1m", load);
    run.set("clients", static_cast<double>(concurrency));
    TempDir dir;
    if (o.keep_data) dir.keep();
    const std::size_t patients = std::max<std::size_t>(concurrency, 100);
    // The request log would hold every token of every stream: keep only a few.
    auto mock = start_mock(o, dir.path(), o.sat_tokens, 1'000'000, 0, 8);
    auto server = start_server(o, dir.path(), mock->url(), patients);

    harness::EventLoop loop(o.client_threads);
    auto fleet = connect_clients(o, loop, server->url(), concurrency);
    const auto& clients = fleet.clients;
    auto state = back_to_back(clients, patients, o.sat_tokens);
    for (std::size_t i = 0; i < clients.size(); ++i) state->issue(i);
    std::this_thread::sleep_for(std::chrono::duration<double>(o.sat_warmup_s));
    const auto calls0 = state->calls.load();
    const auto tokens0 = tokens_in(clients);
    const auto before = sample_cpu(server->pid(), mock->pid());
    std::this_thread::sleep_for(std::chrono::duration<double>(o.sat_seconds));
    const auto tokens1 = tokens_in(clients);
    const auto after = sample_cpu(server->pid(), mock->pid());
    const auto calls1 = state->calls.load();
    state->stop = true;
    if (!state->drained.wait_for(std::chrono::seconds(60))) {
        run.notes.push_back("calls still in flight 60 s after the end");
    }
    run.set("server_peak_mib", mib(harness::process_status_kib(server->pid(), "VmHWM")));
    bench::close_fleet(clients);
    loop.stop();
    state->issue = nullptr;

    saturation_figures(before, after, static_cast<double>(tokens1 - tokens0),
                       static_cast<double>(calls1 - calls0), run);
    run.set("calls_failed", static_cast<double>(state->failed.load()));
    run.set("short_streams", static_cast<double>(state->short_streams.load()));
    if (!state->first_failure.empty())
        run.notes.push_back("first failure: " + state->first_failure);
    return run;
}

}  // namespace server_load
