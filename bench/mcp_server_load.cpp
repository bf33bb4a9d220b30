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
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/csv.hpp"
#include "fleet.hpp"
#include "harness/event_loop.hpp"
#include "harness/mcp_client.hpp"
#include "harness/metrics.hpp"
#include "harness/mock_admin.hpp"
#include "harness/mock_match.hpp"
#include "harness/proc_stats.hpp"
#include "harness/service_process.hpp"
#include "latch.hpp"
#include "stream_check.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Options {
    std::string scenario = "all";
    // (a)
    std::size_t clients = 1000;
    std::size_t tokens = 100;
    double tps = 50;
    double ttft_ms = 20;
    std::string form = "both";  // progress, legacy, both
    // (b)
    std::vector<std::size_t> sat_clients = {100, 200, 500};
    std::size_t sat_tokens = 1000;
    double sat_warmup_s = 1;
    double sat_seconds = 5;
    // (c)
    std::size_t save_in_flight = 64;
    std::size_t save_connections = 16;
    std::size_t save_patients = 10000;
    double save_seconds = 5;
    // all
    std::size_t repeats = 3;
    unsigned client_threads = 1;
    unsigned server_threads = 0;  // 0: the server's default (one per core)
    double wait_load = 1.5;       // wait for the 1-minute load average to drop below this
    double wait_max_s = 600;      // ... at most this long in all
    std::string json_file;
    std::string server_bin = MCP_SERVER_BIN;
    std::string mock_bin = MOCK_OLLAMA_BIN;
    bool keep_data = false;
};

// --- small helpers ------------------------------------------------------------------------

double now_s() {
    return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "mcp_server_load.XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        if (keep_) return;
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    void keep() { keep_ = true; }

  private:
    fs::path path_;
    bool keep_ = false;
};

std::string patient_id(std::size_t number) {  // 1-based, as the server names them
    char buf[32];
    std::snprintf(buf, sizeof buf, "P%03zu", number);
    return buf;
}

std::string fmt(double v, int decimals = 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

double mib(std::optional<std::int64_t> kib) {
    return kib ? static_cast<double>(*kib) / 1024.0 : -1;
}

// Where the machine's CPU went between two samples: the server, the mock, this process.
struct CpuSample {
    double t = 0, server = 0, mock = 0, self = 0, machine = 0;
    double server_switches = 0, mock_switches = 0;
};

CpuSample sample_cpu(pid_t server, pid_t mock) {
    CpuSample s;
    s.t = now_s();
    if (server > 0) s.server = harness::process_cpu(server).value_or(harness::CpuTimes{}).total();
    if (mock > 0) s.mock = harness::process_cpu(mock).value_or(harness::CpuTimes{}).total();
    s.self = harness::self_cpu().total();
    s.machine = harness::machine_busy_seconds().value_or(0);
    if (server > 0) {
        s.server_switches =
            static_cast<double>(harness::process_context_switches(server).value_or(0));
    }
    if (mock > 0) {
        s.mock_switches = static_cast<double>(harness::process_context_switches(mock).value_or(0));
    }
    return s;
}

// --- runs and their figures ---------------------------------------------------------------

// One run: named figures (kept in order for the table) plus notes.
struct Run {
    std::vector<std::pair<std::string, double>> figures;
    std::vector<std::string> notes;
    json details = json::object();
    bool failed = false;  // threw: no figures beyond the load average

    void set(const std::string& name, double v) {
        for (auto& [n, x] : figures) {
            if (n == name) {
                x = v;
                return;
            }
        }
        figures.emplace_back(name, v);
    }
    double get(const std::string& name) const {
        for (const auto& [n, x] : figures) {
            if (n == name) return x;
        }
        return 0;
    }
    void add_percentiles(const std::string& prefix, const harness::Percentiles& p) {
        set(prefix + "_p50", p.p50);
        set(prefix + "_p90", p.p90);
        set(prefix + "_p99", p.p99);
        set(prefix + "_max", p.max);
    }
};

struct Series {
    std::string name;   // "a/progress", "b/200 clients", ...
    std::string title;  // one line saying what it is
    std::vector<Run> runs;
};

struct Goal {
    std::string series_prefix;  // applies to series whose name starts with this
    std::string figure;
    bool at_most = true;
    double limit = 0;
    std::string text;
};

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct Stat {
    std::size_t runs = 0;  // successful runs the figures come from
    double median = 0, min = 0, max = 0;
};

Stat stat_of(const Series& s, const std::string& figure) {
    std::vector<double> v;
    for (const auto& r : s.runs) {
        if (!r.failed) v.push_back(r.get(figure));
    }
    if (v.empty()) return {};
    return {v.size(), median(v), *std::min_element(v.begin(), v.end()),
            *std::max_element(v.begin(), v.end())};
}

const Run* first_good(const Series& s) {
    for (const auto& r : s.runs) {
        if (!r.failed) return &r;
    }
    return nullptr;
}

// --- load-average gate ----------------------------------------------------------------------

class LoadGate {
  public:
    LoadGate(double threshold, double budget_s) : threshold_(threshold), budget_s_(budget_s) {}

    // Waits (polling every 30 s) until the 1-minute load average is below the threshold or
    // the budget for the whole program is spent; returns the load average at the end.
    double wait() {
        double load = harness::load_average_1m().value_or(0);
        while (threshold_ > 0 && load >= threshold_ && spent_s_ < budget_s_) {
            const double step = std::min(30.0, budget_s_ - spent_s_);
            std::cerr << "  load average " << fmt(load, 2) << " >= " << fmt(threshold_, 2)
                      << ": waiting " << fmt(step, 0) << " s (waited " << fmt(spent_s_, 0) << " of "
                      << fmt(budget_s_, 0) << " s)\n";
            std::this_thread::sleep_for(std::chrono::duration<double>(step));
            spent_s_ += step;
            load = harness::load_average_1m().value_or(0);
        }
        return load;
    }
    double spent_s() const { return spent_s_; }

  private:
    double threshold_, budget_s_;
    double spent_s_ = 0;
};

// --- processes ------------------------------------------------------------------------------

std::unique_ptr<harness::ServiceProcess> start_mock(const Options& o, const fs::path& dir,
                                                    std::size_t tokens, double tps, double ttft_ms,
                                                    std::size_t log_limit) {
    harness::ServiceOptions s;
    s.binary = o.mock_bin;
    s.args = {
        "--port",      "0",      "--tokens",      std::to_string(tokens), "--tps",
        fmt(tps, 3),   "--ttft", fmt(ttft_ms, 3), "--request-log-limit",  std::to_string(log_limit),
        "--log-level", "warn"};
    s.stderr_file = dir / "mock-ollama.stderr";
    return std::make_unique<harness::ServiceProcess>(s);
}

std::unique_ptr<harness::ServiceProcess> start_server(const Options& o, const fs::path& dir,
                                                      const std::string& ollama_url,
                                                      std::size_t patients) {
    harness::ServiceOptions s;
    s.binary = o.server_bin;
    fs::create_directories(dir / "data");
    s.args = {
        "--port",      "0",    "--data-dir", (dir / "data").string(), "--ollama-url", ollama_url,
        "--log-level", "warn", "--patients", std::to_string(patients)};
    if (o.server_threads > 0) {
        s.args.push_back("--threads");
        s.args.push_back(std::to_string(o.server_threads));
    }
    s.stderr_file = dir / "mcp-server.stderr";
    s.ready_timeout = milliseconds(60'000);  // generating 10,000 patients takes a moment
    return std::make_unique<harness::ServiceProcess>(s);
}

harness::ClientOptions client_options() {
    harness::ClientOptions c;
    c.request_timeout = milliseconds(120'000);
    return c;
}

bench::FleetResult connect_clients(harness::EventLoop& loop, const std::string& url,
                                   std::size_t n) {
    bench::FleetOptions f;
    f.url = url;
    f.clients = n;
    f.connects_in_flight = 128;
    f.client = client_options();
    auto fleet = bench::connect_fleet(loop.io(), f);
    if (fleet.failed > 0) {
        throw std::runtime_error(std::to_string(fleet.failed) + " of " + std::to_string(n) +
                                 " clients not ready: " + fleet.error_summary());
    }
    return fleet;
}

json generate_params(const std::string& patient) {
    return {{"name", "generate_summary"}, {"arguments", {{"patient_id", patient}}}};
}

// "Generated Summary for <name> (ID: <id>):\n\n..." -> <name>
std::string name_in_result(const std::string& text) {
    constexpr std::string_view prefix = "Generated Summary for ";
    if (text.compare(0, prefix.size(), prefix) != 0) return {};
    const auto end = text.find(" (ID: ", prefix.size());
    if (end == std::string::npos) return {};
    return text.substr(prefix.size(), end - prefix.size());
}

// --- (a) concurrent streams -------------------------------------------------------------------

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
    auto fleet = connect_clients(loop, server->url(), o.clients);
    run.set("connect_s", fleet.seconds);
    const auto& clients = fleet.clients;

    struct State {
        explicit State(std::size_t n) : records(n), latch(n) {}
        std::vector<harness::CallRecord> records;
        bench::Latch latch;
    };
    auto state = std::make_shared<State>(clients.size());
    const auto before = sample_cpu(server->pid(), mock->pid());
    harness::RequestOptions ro;
    ro.progress = progress;
    for (std::size_t i = 0; i < clients.size(); ++i) {
        clients[i]->call(
            "tools/call", generate_params(patient_id(i % patients + 1)),
            [state, i](harness::CallRecord r) {
                state->records[i] = std::move(r);
                state->latch.count_down();
            },
            ro);
    }
    const double expected_s = o.ttft_ms / 1000 + static_cast<double>(o.tokens) / o.tps;
    const bool all_done = state->latch.wait_for(std::chrono::duration<double>(expected_s + 120));
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

    // Timing, first request sent to last response.
    std::int64_t first_sent = 0, last_response = 0;
    std::uint64_t tokens = 0;
    std::size_t ok = 0;
    std::map<std::string, std::size_t> failures;
    for (const auto& r : state->records) {
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

    // The mock's view: which request produced each stream, and when it emitted each token.
    const auto mock_requests = admin.requests();
    std::vector<harness::StepRecord> steps;
    steps.reserve(state->records.size());
    for (auto& r : state->records) {
        steps.push_back(bench::generate_step(steps.size(), std::move(r), progress));
    }
    std::vector<const harness::CallRecord*> calls;
    std::vector<std::string> hints;
    for (const auto& step : steps) {
        const auto& r = step.call;
        calls.push_back(&r);
        const auto name = name_in_result(r.result_text());
        hints.push_back(name.empty() ? std::string() : "Name: " + name + "\n");
    }
    const auto match = harness::match_calls_to_mock(calls, hints, mock_requests);

    std::vector<double> ttft, itl, lag, e2e;
    // Where the time to first token goes: request sent by the client until the mock received
    // the server's upstream request; mock receipt until its first token.
    std::vector<double> forward, upstream_ttft;
    std::size_t correct = 0, unmatched = 0;
    std::string first_problem;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const auto& r = *calls[i];
        std::vector<std::int64_t> emitted;
        std::string problem;
        if (match[i] < 0) {
            ++unmatched;
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
            if (m.outcome != "completed") {
                problem = "mock request " + std::to_string(m.id) + " outcome " + m.outcome;
            } else if (m.tokens.size() != o.tokens) {
                problem = "mock emitted " + std::to_string(m.tokens.size()) + " tokens";
            } else if (auto p = bench::stream_problem(steps[i], m); !p.empty()) {
                problem = "call " + std::to_string(i) + ": " + p;
            }
        }
        if (problem.empty()) {
            ++correct;
        } else if (first_problem.empty()) {
            first_problem = problem;
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
    const double wall = after.t - before.t;
    run.set("server_cpu_s", after.server - before.server);
    run.set("mock_cpu_s", after.mock - before.mock);
    run.set("client_cpu_s", after.self - before.self);
    run.set("machine_busy_cores", (after.machine - before.machine) / wall);
    run.set("other_cores", (after.machine - before.machine - (after.server - before.server) -
                            (after.mock - before.mock) - (after.self - before.self)) /
                               wall);
    run.set("server_cpu_us_per_token",
            tokens ? (after.server - before.server) * 1e6 / static_cast<double>(tokens) : 0);
    run.set("mock_cpu_us_per_token",
            tokens ? (after.mock - before.mock) * 1e6 / static_cast<double>(tokens) : 0);
    run.set("server_switches_per_token",
            tokens ? (after.server_switches - before.server_switches) / static_cast<double>(tokens)
                   : 0);
    run.set("client_cpu_us_per_token",
            tokens ? (after.self - before.self) * 1e6 / static_cast<double>(tokens) : 0);
    run.set("unrouted_frames", static_cast<double>(unrouted));
    run.set("invalid_frames", static_cast<double>(invalid));
    if (unmatched)
        run.notes.push_back(std::to_string(unmatched) + " calls matched no mock request");
    if (!first_problem.empty()) run.notes.push_back("first problem: " + first_problem);
    for (const auto& [why, n] : failures) run.notes.push_back(std::to_string(n) + " x " + why);
    run.details["mock_stats"] = admin.stats();
    // How late the mock itself emitted tokens against its schedule (CPU starvation shows here
    // first); the relay lag above starts from the actual emission, not the schedule.
    const auto lateness = run.details["mock_stats"].value("lateness_ms", json::object());
    run.set("mock_lateness_ms_p50", lateness.value("p50", 0.0));
    run.set("mock_lateness_ms_p99", lateness.value("p99", 0.0));
    return run;
}

// --- (b) saturation -----------------------------------------------------------------------------

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
    auto fleet = connect_clients(loop, server->url(), concurrency);
    const auto& clients = fleet.clients;

    struct State {
        explicit State(std::size_t n) : drained(n) {}
        std::atomic<bool> stop{false};
        std::atomic<std::uint64_t> calls{0}, failed{0}, short_streams{0};
        bench::Latch drained;
        std::function<void(std::size_t)> issue;
        std::mutex mutex;
        std::string first_failure;
    };
    auto state = std::make_shared<State>(clients.size());
    harness::RequestOptions ro;
    ro.progress = true;
    ro.keep_tokens = false;
    const std::size_t expected_tokens = o.sat_tokens;
    std::weak_ptr<State> weak = state;
    state->issue = [weak, &clients, ro, patients, expected_tokens](std::size_t i) {
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
    const auto tokens_in = [&clients] {
        std::uint64_t n = 0;
        for (const auto& c : clients) n += c->stats().tokens_in;
        return n;
    };
    for (std::size_t i = 0; i < clients.size(); ++i) state->issue(i);
    std::this_thread::sleep_for(std::chrono::duration<double>(o.sat_warmup_s));
    const auto calls0 = state->calls.load();
    const auto tokens0 = tokens_in();
    const auto before = sample_cpu(server->pid(), mock->pid());
    std::this_thread::sleep_for(std::chrono::duration<double>(o.sat_seconds));
    const auto tokens1 = tokens_in();
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

    const double wall = after.t - before.t;
    run.set("tokens_per_s", static_cast<double>(tokens1 - tokens0) / wall);
    run.set("calls_per_s", static_cast<double>(calls1 - calls0) / wall);
    run.set("server_cores", (after.server - before.server) / wall);
    run.set("mock_cores", (after.mock - before.mock) / wall);
    run.set("client_cores", (after.self - before.self) / wall);
    const double busy = (after.machine - before.machine) / wall;
    run.set("machine_busy_cores", busy);
    run.set("other_cores", busy - (after.server - before.server + after.mock - before.mock +
                                   after.self - before.self) /
                                      wall);
    const double tokens = static_cast<double>(tokens1 - tokens0);
    run.set("server_cpu_us_per_token",
            tokens > 0 ? (after.server - before.server) * 1e6 / tokens : 0);
    run.set("mock_cpu_us_per_token", tokens > 0 ? (after.mock - before.mock) * 1e6 / tokens : 0);
    run.set("client_cpu_us_per_token", tokens > 0 ? (after.self - before.self) * 1e6 / tokens : 0);
    run.set("server_switches_per_token",
            tokens > 0 ? (after.server_switches - before.server_switches) / tokens : 0);
    run.set("calls_failed", static_cast<double>(state->failed.load()));
    run.set("short_streams", static_cast<double>(state->short_streams.load()));
    if (!state->first_failure.empty())
        run.notes.push_back("first failure: " + state->first_failure);
    return run;
}

// --- (c) durable saves ------------------------------------------------------------------------

// A summary with what breaks naive CSV code: commas, quotes, a line break, non-ASCII text.
std::string summary_text(std::uint64_t n, const std::string& patient) {
    return "Save #" + std::to_string(n) + " for " + patient +
           ": 58-year-old with \"chest pain\", hypertension and type 2 diabetes.\n"
           "BP 150/95 mmHg; fasting glucose 162 mg/dL; HbA1c 8.1 %. Café-au-lait spots, "
           "no ædema; naïve to insulin — titrate metformin, add an ACE inhibitor, recheck "
           "renal function and potassium in 2 weeks. Advise diet, exercise, smoking "
           "cessation; follow-up visit \"as soon as possible\".";
}

Run run_saves(const Options& o, double load) {
    Run run;
    run.set("load_avg_1m", load);
    run.set("in_flight", static_cast<double>(o.save_in_flight));
    TempDir dir;
    if (o.keep_data) dir.keep();
    // update_patient_summary never calls Ollama; the URL only has to be well-formed.
    auto server = start_server(o, dir.path(), "http://127.0.0.1:9", o.save_patients);

    harness::EventLoop loop(o.client_threads);
    const std::size_t connections =
        std::max<std::size_t>(1, std::min(o.save_connections, o.save_in_flight));
    auto fleet = connect_clients(loop, server->url(), connections);
    const auto& clients = fleet.clients;

    struct State {
        explicit State(std::size_t n) : drained(n) {}
        std::atomic<bool> stop{false};
        std::atomic<std::uint64_t> next{0};
        bench::Latch drained;
        std::mutex mutex;
        std::vector<double> latency_ms;
        std::map<std::string, std::string> saved;  // patient -> last acknowledged text
        std::uint64_t ok = 0, failed = 0;
        std::int64_t first_sent = 0, last_ack = 0;
        std::string first_failure;
        std::function<void(std::size_t)> issue;
    };
    auto state = std::make_shared<State>(o.save_in_flight);
    std::weak_ptr<State> weak = state;
    const std::size_t patients = o.save_patients;
    state->issue = [weak, &clients, patients](std::size_t slot) {
        auto st = weak.lock();
        if (!st) return;
        const auto n = st->next.fetch_add(1);
        const auto patient = patient_id(n % patients + 1);
        auto text = summary_text(n, patient);
        clients[slot % clients.size()]->call(
            "tools/call",
            {{"name", "update_patient_summary"},
             {"arguments", {{"patient_id", patient}, {"summary", text}}}},
            [weak, slot, patient, text](harness::CallRecord r) {
                auto s = weak.lock();
                if (!s) return;
                {
                    std::lock_guard lock(s->mutex);
                    if (r.ok()) {
                        ++s->ok;
                        s->saved[patient] = text;
                        s->latency_ms.push_back(
                            static_cast<double>(r.response_steady_us - r.sent_steady_us) / 1000);
                        if (s->first_sent == 0 || r.sent_steady_us < s->first_sent) {
                            s->first_sent = r.sent_steady_us;
                        }
                        s->last_ack = std::max(s->last_ack, r.response_steady_us);
                    } else {
                        ++s->failed;
                        if (s->first_failure.empty()) s->first_failure = r.failure().substr(0, 200);
                    }
                }
                if (s->stop.load(std::memory_order_relaxed) || !r.error.empty()) {
                    s->drained.count_down();
                } else {
                    s->issue(slot);
                }
            });
    };
    const auto before = sample_cpu(server->pid(), -1);
    for (std::size_t slot = 0; slot < o.save_in_flight; ++slot) state->issue(slot);
    std::this_thread::sleep_for(std::chrono::duration<double>(o.save_seconds));
    state->stop = true;
    if (!state->drained.wait_for(std::chrono::seconds(60))) {
        run.notes.push_back("saves still in flight 60 s after the end");
    }
    const auto after = sample_cpu(server->pid(), -1);
    run.set("server_peak_mib", mib(harness::process_status_kib(server->pid(), "VmHWM")));
    bench::close_fleet(clients);
    loop.stop();
    state->issue = nullptr;

    const double span = static_cast<double>(state->last_ack - state->first_sent) / 1e6;
    run.set("saves_ok", static_cast<double>(state->ok));
    run.set("saves_failed", static_cast<double>(state->failed));
    run.set("saves_per_s", span > 0 ? static_cast<double>(state->ok) / span : 0);
    run.add_percentiles("save_latency_ms", harness::percentiles(state->latency_ms));
    run.set("server_cores", (after.server - before.server) / (after.t - before.t));
    run.set("client_cores", (after.self - before.self) / (after.t - before.t));
    run.set("other_cores", (after.machine - before.machine - (after.server - before.server) -
                            (after.self - before.self)) /
                               (after.t - before.t));
    run.set("server_cpu_us_per_save",
            state->ok ? (after.server - before.server) * 1e6 / static_cast<double>(state->ok) : 0);
    if (!state->first_failure.empty())
        run.notes.push_back("first failure: " + state->first_failure);

    // The file after the server is gone: every row parses, every acknowledged save is there.
    server->stop();
    const fs::path data = dir.path() / "data";
    std::ifstream in(data / "patient_summaries.csv", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    run.set("csv_mib", static_cast<double>(bytes.size()) / (1024.0 * 1024.0));
    std::size_t rows = 0, matching = 0, wrong = 0;
    std::string problem;
    try {
        common::csv::Reader reader(bytes);
        common::csv::Row row;
        reader.next(row);  // header
        while (reader.next(row)) {
            ++rows;
            if (row.size() != 3) {
                ++wrong;
                continue;
            }
            const auto it = state->saved.find(row[0]);
            const std::string expected = it == state->saved.end() ? std::string() : it->second;
            if (row[2] == expected) {
                if (!expected.empty()) ++matching;
            } else {
                ++wrong;
                if (problem.empty()) problem = "row " + row[0] + " does not hold its last save";
            }
        }
    } catch (const std::exception& e) {
        problem = std::string("summaries file does not parse: ") + e.what();
    }
    std::size_t stray_files = 0;
    for (const auto& entry : fs::directory_iterator(data)) {
        const auto name = entry.path().filename().string();
        if (name != "patient_summaries.csv" && name != "patients_data.csv") ++stray_files;
    }
    run.set("csv_rows", static_cast<double>(rows));
    run.set("csv_rows_saved_ok", static_cast<double>(matching));
    run.set("csv_rows_wrong", static_cast<double>(wrong));
    run.set("stray_files", static_cast<double>(stray_files));
    if (rows != o.save_patients) problem = "expected " + std::to_string(o.save_patients) + " rows";
    if (!problem.empty()) run.notes.push_back("csv: " + problem);
    return run;
}

// --- reporting ----------------------------------------------------------------------------------

void print_series(const Series& s) {
    std::cout << "\n" << s.name << ": " << s.title << "  (" << s.runs.size() << " runs)\n";
    if (const Run* good = first_good(s)) {
        std::printf("  %-28s %14s %24s   per run\n", "figure", "median", "spread (min - max)");
        for (const auto& [name, v] : good->figures) {
            (void)v;
            const auto st = stat_of(s, name);
            std::string each;
            for (const auto& r : s.runs) {
                each += (each.empty() ? "" : " / ") + (r.failed ? "-" : fmt(r.get(name), 2));
            }
            std::printf("  %-28s %14s %24s   %s\n", name.c_str(), fmt(st.median, 2).c_str(),
                        (fmt(st.min, 2) + " - " + fmt(st.max, 2)).c_str(), each.c_str());
        }
    }
    for (std::size_t i = 0; i < s.runs.size(); ++i) {
        for (const auto& n : s.runs[i].notes) std::cout << "  run " << i + 1 << ": " << n << "\n";
    }
}

json series_json(const Series& s) {
    json runs = json::array();
    for (const auto& r : s.runs) {
        json figures = json::object();
        for (const auto& [n, v] : r.figures) figures[n] = v;
        runs.push_back({{"figures", figures},
                        {"notes", r.notes},
                        {"details", r.details},
                        {"failed", r.failed}});
    }
    json medians = json::object();
    if (const Run* good = first_good(s)) {
        for (const auto& [n, v] : good->figures) {
            (void)v;
            const auto st = stat_of(s, n);
            medians[n] = {
                {"median", st.median}, {"min", st.min}, {"max", st.max}, {"runs", st.runs}};
        }
    }
    return {{"name", s.name}, {"title", s.title}, {"runs", runs}, {"summary", medians}};
}

std::string form_name(bool progress) {
    return progress ? "progress" : "legacy";
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app{"Load benchmark of the real mcp-server fed by mock-ollama"};
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
    app.add_option("--server-bin", o.server_bin, "mcp-server binary");
    app.add_option("--mock-bin", o.mock_bin, "mock-ollama binary");
    app.add_flag("--keep-data", o.keep_data, "keep each run's temp folder (data, stderr logs)");
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
    std::vector<Series> all;
    const bool a = o.scenario == "a" || o.scenario == "all";
    const bool b = o.scenario == "b" || o.scenario == "all";
    const bool c = o.scenario == "c" || o.scenario == "all";
    const auto attempt = [&](Series& s, const std::function<Run(double)>& body) {
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
    };

    if (a) {
        for (bool progress : {true, false}) {
            if (o.form != "both" && o.form != form_name(progress)) continue;
            Series s{"a/" + form_name(progress),
                     std::to_string(o.clients) + " clients x 1 generate_summary, " +
                         std::to_string(o.tokens) + " tokens at " + fmt(o.tps, 0) +
                         " tok/s, ttft " + fmt(o.ttft_ms, 0) + " ms, " +
                         (progress ? "notifications/progress" : "legacy stream_token frames"),
                     {}};
            attempt(s, [&](double load) { return run_streams(o, progress, load); });
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
            attempt(s, [&](double load) { return run_saturation(o, n, load); });
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
        attempt(s, [&](double load) { return run_saves(o, load); });
        all.push_back(std::move(s));
    }

    for (const auto& s : all) print_series(s);

    const double n_clients = static_cast<double>(o.clients);
    const std::vector<Goal> goals = {
        {"a/", "wall_s", true, 2.2, "first request to last response <= 2.2 s"},
        {"a/", "lag_ms_p99", true, 5, "relay lag p99 <= 5 ms"},
        {"a/", "server_peak_mib", true, 200, "server peak memory (VmHWM) <= 200 MiB"},
        {"a/", "streams_correct", false, n_clients, "every stream correct and in order"},
        {"b/", "tokens_per_s", false, 100'000, "relay throughput >= 100,000 tokens/s"},
        {"c", "saves_per_s", false, 1'000, "durable saves >= 1,000/s"},
    };
    std::cout << "\nGoals (judged on medians):\n";
    json goals_json = json::array();
    for (const auto& s : all) {
        for (const auto& g : goals) {
            if (s.name.rfind(g.series_prefix, 0) != 0) continue;
            const auto st = stat_of(s, g.figure);
            const bool pass =
                st.runs > 0 && (g.at_most ? st.median <= g.limit : st.median >= g.limit);
            std::printf("  [%s] %-12s %-44s median %s (%s - %s, %zu runs)\n",
                        pass ? "PASS" : "FAIL", s.name.c_str(), g.text.c_str(),
                        fmt(st.median, 2).c_str(), fmt(st.min, 2).c_str(), fmt(st.max, 2).c_str(),
                        st.runs);
            goals_json.push_back({{"series", s.name},
                                  {"goal", g.text},
                                  {"figure", g.figure},
                                  {"limit", g.limit},
                                  {"median", st.median},
                                  {"min", st.min},
                                  {"max", st.max},
                                  {"runs", st.runs},
                                  {"pass", pass}});
        }
    }
    if (gate.spent_s() > 0) {
        std::cout << "(waited " << fmt(gate.spent_s(), 0) << " s in all for the load average)\n";
    }

    if (!o.json_file.empty()) {
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
                    {"load_wait_s", gate.spent_s()}};
        for (const auto& s : all) out["series"].push_back(series_json(s));
        std::ofstream f(o.json_file);
        f << out.dump(2) << "\n";
        std::cout << "wrote " << o.json_file << "\n";
    }
    return 0;
}
