// mcp_server_load (c): update_patient_summary with K calls in flight into a 10,000-row
// summaries file; durable saves per second, then the file checked row by row.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/csv.hpp"
#include "harness/proc_stats.hpp"
#include "latch.hpp"
#include "server_load.hpp"

namespace server_load {

namespace {

using Clients = std::vector<std::shared_ptr<harness::McpClient>>;

// A summary with what breaks naive CSV code: commas, quotes, a line break, non-ASCII text.
std::string summary_text(std::uint64_t n, const std::string& patient) {
    return "Save #" + std::to_string(n) + " for " + patient +
           ": 58-year-old with \"chest pain\", hypertension and type 2 diabetes.\n"
           "BP 150/95 mmHg; fasting glucose 162 mg/dL; HbA1c 8.1 %. Café-au-lait spots, "
           "no ædema; naïve to insulin — titrate metformin, add an ACE inhibitor, recheck "
           "renal function and potassium in 2 weeks. Advise diet, exercise, smoking "
           "cessation; follow-up visit \"as soon as possible\".";
}

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

    // The outcome of one save of `text` for `patient`.
    void record(const harness::CallRecord& r, const std::string& patient, const std::string& text) {
        std::lock_guard lock(mutex);
        if (!r.ok()) {
            ++failed;
            if (first_failure.empty()) first_failure = r.failure().substr(0, 200);
            return;
        }
        ++ok;
        saved[patient] = text;
        latency_ms.push_back(static_cast<double>(r.response_steady_us - r.sent_steady_us) / 1000);
        if (first_sent == 0 || r.sent_steady_us < first_sent) first_sent = r.sent_steady_us;
        last_ack = std::max(last_ack, r.response_steady_us);
    }
};

// `in_flight` slots over the clients; each slot saves again as soon as its save ends, until
// `stop`, cycling through the patients.
std::shared_ptr<State> saver(const Clients& clients, std::size_t in_flight, std::size_t patients) {
    auto state = std::make_shared<State>(in_flight);
    std::weak_ptr<State> weak = state;
    state->issue = [weak, clients, patients](std::size_t slot) {
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
                s->record(r, patient, text);
                if (s->stop.load(std::memory_order_relaxed) || !r.error.empty()) {
                    s->drained.count_down();
                } else {
                    s->issue(slot);
                }
            });
    };
    return state;
}

void save_figures(const State& state, const CpuSample& before, const CpuSample& after, Run& run) {
    const double span = static_cast<double>(state.last_ack - state.first_sent) / 1e6;
    run.set("saves_ok", static_cast<double>(state.ok));
    run.set("saves_failed", static_cast<double>(state.failed));
    run.set("saves_per_s", span > 0 ? static_cast<double>(state.ok) / span : 0);
    run.add_percentiles("save_latency_ms", harness::percentiles(state.latency_ms));
    run.set("server_cores", (after.server - before.server) / (after.t - before.t));
    run.set("client_cores", (after.self - before.self) / (after.t - before.t));
    run.set("other_cores", (after.machine - before.machine - (after.server - before.server) -
                            (after.self - before.self)) /
                               (after.t - before.t));
    run.set("server_cpu_us_per_save",
            state.ok ? (after.server - before.server) * 1e6 / static_cast<double>(state.ok) : 0);
    if (!state.first_failure.empty()) run.notes.push_back("first failure: " + state.first_failure);
}

// The file after the server is gone: every row parses, every acknowledged save is there.
void check_file(const fs::path& data, const std::map<std::string, std::string>& saved,
                std::size_t patients, Run& run) {
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
            const auto it = saved.find(row[0]);
            const std::string expected = it == saved.end() ? std::string() : it->second;
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
    if (rows != patients) problem = "expected " + std::to_string(patients) + " rows";
    if (!problem.empty()) run.notes.push_back("csv: " + problem);
}

}  // namespace

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
    auto fleet = connect_clients(o, loop, server->url(), connections);
    const auto& clients = fleet.clients;
    auto state = saver(clients, o.save_in_flight, o.save_patients);
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

    save_figures(*state, before, after, run);
    server->stop();
    check_file(dir.path() / "data", state->saved, o.save_patients, run);
    return run;
}

}  // namespace server_load
