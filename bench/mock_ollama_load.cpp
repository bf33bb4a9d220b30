// mock-ollama under load: the real binary, started fresh as a child for every run, driven
// by the in-process load client. Each run is one iteration; its time is the streaming phase.
//
//   BM_SingleStreamRate        one stream, 50 tok/s, 500 tokens: achieved rate vs configured
//   BM_ConcurrentStreams/N     N streams at 20 tok/s, 100 tokens each, started together:
//                              the mock's schedule lateness, completions, peak memory
//
// Extra flags (after Google Benchmark's own):
//   --streams=N,N,...   the N of BM_ConcurrentStreams (default 1000,2000,5000,10000)
//   --mock-threads=T    the mock's --threads (default: the mock's own, one per core)
//   --mock-bin=PATH     the mock-ollama binary (default: the one built with this tree)
//   --stagger-ms=MS     spread the requests of BM_ConcurrentStreams evenly over MS instead of
//                       sending them all at once (default 0); 50 = one token period at 20 tok/s
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "cpu_meter.hpp"
#include "harness/proc_stats.hpp"
#include "load_client.hpp"
#include "mock_process.hpp"

namespace {

constexpr double kLatenessGoalMs = 2.0;

struct Settings {
    std::vector<long> streams = {1000, 2000, 5000, 10000};
    std::string mock_threads;  // empty: the mock's default
    std::string mock_bin = MOCK_OLLAMA_BIN;
    std::chrono::milliseconds stagger{0};
};
Settings g_settings;  // written once by main() before any benchmark runs

std::vector<std::string> mock_flags(double tps, std::size_t tokens, double ttft_ms) {
    std::vector<std::string> f;
    const auto add = [&f](std::string name, std::string value) {
        f.push_back(std::move(name));
        f.push_back(std::move(value));
    };
    add("--tps", std::to_string(tps));
    add("--tokens", std::to_string(tokens));
    add("--ttft", std::to_string(ttft_ms));
    add("--profile", "plain");        // ASCII words: no escaping, as steady as text gets
    add("--request-log-limit", "0");  // no per-request log kept in memory
    add("--log-level", "warn");
    if (!g_settings.mock_threads.empty()) add("--threads", g_settings.mock_threads);
    return f;
}

void report_lateness(benchmark::State& state, const nlohmann::json& stats) {
    const auto& l = stats.at("lateness_ms");
    state.counters["lateness_p50_ms"] = l.at("p50").get<double>();
    state.counters["lateness_p99_ms"] = l.at("p99").get<double>();
    state.counters["lateness_max_ms"] = l.at("max").get<double>();
}

void report_cpu(benchmark::State& state, const bench::CpuSample& before,
                const bench::CpuSample& after, double wall_s) {
    const auto shares = bench::cpu_shares(before, after, wall_s);
    state.counters["mock_cpu_pct"] = shares.mock_pct;
    state.counters["client_cpu_pct"] = shares.client_pct;
    state.counters["foreign_cpu_pct"] = shares.foreign_pct;  // other processes: noise
}

void BM_SingleStreamRate(benchmark::State& state) {
    constexpr double kTps = 50;
    constexpr std::size_t kTokens = 500;
    try {
        bench::MockProcess mock(g_settings.mock_bin, mock_flags(kTps, kTokens, 0));
        for (auto _ : state) {
            mock.reset();
            bench::LoadClient client(
                {.port = mock.port(), .streams = 1, .tps = kTps, .tokens = kTokens, .ttft_ms = 0});
            const auto cpu_before = bench::sample_cpu(mock.pid());
            const auto r = client.connect_all() == 1 ? client.run_streams() : bench::LoadResult{};
            const auto cpu_after = bench::sample_cpu(mock.pid());
            if (r.completed != 1 || r.stream0_first_to_last_s <= 0) {
                state.SkipWithError(("stream failed: " + r.error_summary() +
                                     " | mock stderr: " + mock.stderr_tail())
                                        .c_str());
                break;
            }
            state.SetIterationTime(r.stream0_first_to_last_s);
            const double achieved =
                static_cast<double>(r.stream0_tokens - 1) / r.stream0_first_to_last_s;
            state.counters["tokens"] = static_cast<double>(r.stream0_tokens);
            state.counters["achieved_tps"] = achieved;
            state.counters["error_pct"] = std::abs(achieved - kTps) / kTps * 100.0;
            report_lateness(state, mock.stats());
            report_cpu(state, cpu_before, cpu_after, r.duration_s);
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

void BM_ConcurrentStreams(benchmark::State& state) {
    constexpr double kTps = 20;
    constexpr std::size_t kTokens = 100;  // 5 s of streaming
    constexpr double kTtftMs = 200;       // the mock's default time to first token
    const auto n = static_cast<std::size_t>(state.range(0));
    const std::size_t fd_limit = harness::raise_fd_limit();  // the mock inherits it
    if (fd_limit < n + 64) {
        state.SkipWithError(("RLIMIT_NOFILE is " + std::to_string(fd_limit) + ", below " +
                             std::to_string(n + 64) + " (see ulimit -Hn)")
                                .c_str());
        return;
    }
    try {
        bench::MockProcess mock(g_settings.mock_bin, mock_flags(kTps, kTokens, kTtftMs));
        for (auto _ : state) {
            bench::LoadClient client({.port = mock.port(),
                                      .streams = n,
                                      .tps = kTps,
                                      .tokens = kTokens,
                                      .ttft_ms = kTtftMs,
                                      .stagger = g_settings.stagger});
            const std::size_t open = client.connect_all();
            // Start together: every connection accepted by the mock before any request.
            if (!mock.wait_for_connections(open, std::chrono::seconds(30))) {
                state.SkipWithError("the mock did not accept all connections within 30 s");
                break;
            }
            mock.reset();
            const auto cpu_before = bench::sample_cpu(mock.pid());
            const auto r = client.run_streams();
            const auto cpu_after = bench::sample_cpu(mock.pid());
            const auto stats = mock.stats();
            state.SetIterationTime(r.duration_s);
            report_lateness(state, stats);
            const double p99 = stats.at("lateness_ms").at("p99").get<double>();
            state.counters["streams_completed"] = static_cast<double>(r.completed);
            state.counters["streams_failed"] = static_cast<double>(n - r.completed);
            state.counters["tokens"] = stats.at("tokens").get<double>();
            state.counters["client_tokens"] = static_cast<double>(r.tokens);
            state.counters["client_lag_p50_ms"] = r.lag_p50_ms;
            state.counters["client_lag_p99_ms"] = r.lag_p99_ms;
            state.counters["client_lag_vs_send_p99_ms"] = r.lag_vs_send_p99_ms;
            report_cpu(state, cpu_before, cpu_after, r.duration_s);
            state.counters["peak_rss_mib"] = mock.peak_rss_mib();
            state.counters["holds"] = p99 <= kLatenessGoalMs && r.completed == n ? 1 : 0;
            if (!r.errors.empty()) {
                std::fprintf(stderr, "BM_ConcurrentStreams/%zu: %s\n", n,
                             r.error_summary().c_str());
            }
        }
    } catch (const std::exception& e) {
        state.SkipWithError(e.what());
    }
}

// Parses "--name=value" into `value`; true when `arg` is that flag.
bool flag(const char* arg, std::string_view name, std::string& value) {
    const std::string_view a(arg);
    if (!a.starts_with(name) || a.size() <= name.size() || a[name.size()] != '=') return false;
    value = std::string(a.substr(name.size() + 1));
    return true;
}

std::optional<std::vector<long>> parse_list(const std::string& text) {
    std::vector<long> out;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
        long v = 0;
        const auto [next, ec] = std::from_chars(p, end, v);
        if (ec != std::errc() || v <= 0) return std::nullopt;
        out.push_back(v);
        p = next;
        if (p < end && *p++ != ',') return std::nullopt;
    }
    if (out.empty()) return std::nullopt;
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    // Our flags: Google Benchmark has removed its own from argv.
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        std::string value;
        if (flag(argv[i], "--streams", value)) {
            auto list = parse_list(value);
            if (!list) {
                std::fprintf(stderr, "--streams: expected N,N,... with N > 0, got '%s'\n",
                             value.c_str());
                return 2;
            }
            g_settings.streams = *list;
        } else if (flag(argv[i], "--mock-bin", value)) {
            g_settings.mock_bin = value;
        } else if (flag(argv[i], "--stagger-ms", value)) {
            const auto ms = parse_list(value);
            if (!ms || ms->size() != 1) {
                std::fprintf(stderr, "--stagger-ms: expected a number > 0, got '%s'\n",
                             value.c_str());
                return 2;
            }
            g_settings.stagger = std::chrono::milliseconds(ms->front());
        } else if (flag(argv[i], "--mock-threads", value)) {
            g_settings.mock_threads = value;
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    benchmark::RegisterBenchmark("BM_SingleStreamRate", BM_SingleStreamRate)
        ->Iterations(1)
        ->UseManualTime()
        ->Unit(benchmark::kSecond);
    auto* concurrent = benchmark::RegisterBenchmark("BM_ConcurrentStreams", BM_ConcurrentStreams);
    for (long n : g_settings.streams) concurrent->Arg(n);
    concurrent->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
