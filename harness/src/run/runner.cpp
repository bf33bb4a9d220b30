#include "harness/runner.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "common/child_process.hpp"
#include "common/csv.hpp"
#include "harness/connection.hpp"
#include "harness/mock_admin.hpp"
#include "harness/mock_match.hpp"
#include "harness/needs.hpp"
#include "harness/proc_stats.hpp"
#include "harness/service_process.hpp"
#include "run/call_plan.hpp"
#include "run/cli_number.hpp"
#include "run/clients.hpp"
#include "run/server_args.hpp"
#include "shard/shard_run.hpp"

namespace harness {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A folder of its own for this run: data, logs. Without one nothing can run; that is a
// harness error of this scenario, never an exception out of a worker thread.
std::optional<fs::path> make_run_dir(const fs::path& work_dir, std::vector<std::string>& errors) {
    std::error_code mkdir_error;
    fs::create_directories(work_dir, mkdir_error);
    std::string pattern = (work_dir / "run-XXXXXX").string();
    if (mkdir_error || ::mkdtemp(pattern.data()) == nullptr) {
        errors.push_back(
            "cannot create a run folder in " + work_dir.string() + ": " +
            (mkdir_error ? mkdir_error.message() : std::generic_category().message(errno)));
        return std::nullopt;
    }
    return fs::path(pattern);
}

// What the run talks to: our own children, or a server and mock given by URL or command.
struct Services {
    std::optional<ServiceProcess> mock, server;
    Endpoint endpoint;
    std::string mock_url;
    fs::path summaries, patients;  // the server's files (empty: unknown)
};

// Our server's ready line names its WebSocket URL; it serves Streamable HTTP on the same port
// and path.
std::string http_url_of(const std::string& ws_url) {
    return ws_url.starts_with("ws://") ? "http://" + ws_url.substr(5) : ws_url;
}

// The connection settings alone: who the server is comes next.
Endpoint endpoint_for(const Scenario& sc, const RunOptions& o) {
    Endpoint e;
    e.transport = transport_for(o, sc);
    e.protocol_version = protocol_version_for(o, sc);
    e.headers = o.headers;
    if (e.transport == "stdio" && !e.headers.empty()) {
        throw std::runtime_error(
            "--header: a stdio server gets no HTTP headers (the scenario "
            "runs over stdio)");
    }
    return e;
}

void start_services(const Scenario& sc, const RunOptions& o, const fs::path& dir, Services& s) {
    s.endpoint = endpoint_for(sc, o);
    s.mock_url = o.ollama_url;
    s.summaries = o.summaries_csv;
    s.patients = o.patients_csv;
    if (!o.server_url.empty() || !o.server_cmd.empty()) {
        if (s.mock_url.empty()) {
            throw std::runtime_error(
                "--server-url and --server-cmd need --ollama-url: the mock-ollama that "
                "server uses (its admin API decides the stream checks)");
        }
        if (s.endpoint.transport == "stdio") {
            if (o.server_cmd.empty()) {
                throw std::runtime_error(
                    "the scenario runs over stdio, but --server-url names a "
                    "network server: give --server-cmd or --transport");
            }
            // The shell reads the command as the user wrote it; exec leaves no shell between
            // the client and the server.
            s.endpoint.server_command = {"/bin/sh", "-c", "exec " + o.server_cmd};
        } else {
            if (o.server_url.empty()) {
                throw std::runtime_error("the scenario runs over " + s.endpoint.transport +
                                         ", but --server-cmd names a stdio server");
            }
            s.endpoint.url = o.server_url;
        }
        return;
    }
    s.mock.emplace(ServiceOptions{
        .binary = o.mock_bin,
        .args = {"--port", "0", "--time-scale", cli_number(o.time_scale), "--seed",
                 std::to_string(o.seed), "--request-log-limit", "1000000", "--log-level", "info"},
        .stderr_file = dir / "mock-ollama.log"});
    s.mock_url = s.mock->url();
    const fs::path data_dir = dir / "data";
    const fs::path config_file = dir / "mcp-server.json";
    write_server_config(sc.server, config_file);
    const auto args = server_args(config_file, data_dir, s.mock_url, o.time_scale);
    s.server.emplace(ServiceOptions{
        .binary = o.server_bin, .args = args, .stderr_file = dir / "mcp-server.log"});
    s.endpoint.url =
        s.endpoint.transport == "http" ? http_url_of(s.server->url()) : s.server->url();
    if (s.endpoint.transport == "stdio") {
        // The network server has prepared the data folder (and so the patients the run reads);
        // each client now starts its own server on the same folder, config and mock.
        s.server->stop();
        s.endpoint.server_command = {o.server_bin, "--stdio"};
        s.endpoint.server_command.insert(s.endpoint.server_command.end(), args.begin(), args.end());
        s.endpoint.url.clear();
    }
    s.summaries = data_dir / "patient_summaries.csv";
    s.patients = data_dir / "patients_data.csv";
}

// How the progress line names the server.
std::string server_text(const Endpoint& e) {
    if (e.transport != "stdio") return e.url;
    std::string cmd;
    for (const auto& arg : e.server_command) cmd += (cmd.empty() ? "" : " ") + arg;
    return "stdio: " + cmd;
}

// stream_token frames exist only on WebSocket: elsewhere a legacy-form generate step asks for
// notifications/progress instead, so that the scenario still streams (and its stream checks
// still judge it); compat.both_stream_forms says the legacy form was not exercised.
void use_progress_form(std::vector<Step>& steps) {
    for (auto& st : steps) {
        if (st.form == StreamForm::legacy) st.form = StreamForm::progress;
        use_progress_form(st.steps);
    }
}

Scenario without_legacy_form(const Scenario& sc) {
    Scenario out = sc;
    out.form = StreamForm::progress;
    use_progress_form(out.steps);
    return out;
}

// Stops our children (server first: it is the mock's client) and attaches their logs.
void stop_services(Services& s, ScenarioOutput& out) {
    if (s.server) s.server->stop();
    if (s.mock) s.mock->stop();
    if (s.mock) out.attachments.push_back({"mock-ollama log (tail)", s.mock->stderr_tail(6000)});
    if (s.server) {
        out.attachments.push_back({"mcp-server log (tail)", s.server->stderr_tail(6000)});
    }
}

// Patient ids in file order, and their names into `names`, from a patients_data.csv (none
// when the file is unknown or missing).
std::vector<std::string> read_patients(const fs::path& file,
                                       std::map<std::string, std::string>& names) {
    std::vector<std::string> ids;
    if (file.empty() || !fs::exists(file)) return ids;
    const auto rows = common::csv::parse(read_file(file));
    if (rows.empty()) return ids;
    std::size_t id_col = 0, name_col = 1;
    for (std::size_t c = 0; c < rows[0].size(); ++c) {
        if (rows[0][c] == "patient_id") id_col = c;
        if (rows[0][c] == "name") name_col = c;
    }
    for (std::size_t r = 1; r < rows.size(); ++r) {
        if (rows[r].size() <= std::max(id_col, name_col)) continue;
        ids.push_back(rows[r][id_col]);
        names[rows[r][id_col]] = rows[r][name_col];
    }
    return ids;
}

void snapshot_summaries_before(const fs::path& summaries, ScenarioRun& run) {
    run.summaries_csv_known = !summaries.empty() && fs::exists(summaries);
    if (run.summaries_csv_known) run.summaries_csv_before = read_file(summaries);
}

// What the run left behind: the mock's request log, the summaries file and its folder.
void collect(MockAdmin& admin, const fs::path& summaries, const LogSlice& slice, ScenarioRun& run) {
    run.mock_requests = admin.requests(slice.since, true, 100, slice.prompt_lines);
    if (run.summaries_csv_known && fs::exists(summaries)) {
        run.summaries_csv_after = read_file(summaries);
        for (const auto& e : fs::directory_iterator(summaries.parent_path())) {
            run.data_dir_files_after.push_back(e.path().filename().string());
        }
    }
}

// Which mock request produced each generate call's stream.
void match_generate_calls(ScenarioRun& run) {
    std::vector<const CallRecord*> calls;
    std::vector<std::string> hints;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < run.steps.size(); ++i) {
        const auto& st = run.steps[i];
        if (st.kind != StepKind::generate || !st.is_call) continue;
        calls.push_back(&st.call);
        hints.push_back(st.patient_name.empty() ? "" : "Name: " + st.patient_name + "\n");
        index.push_back(i);
    }
    const auto matched = match_calls_to_mock(calls, hints, run.mock_requests);
    for (std::size_t k = 0; k < matched.size(); ++k) {
        if (matched[k] >= 0)
            run.steps[index[k]].mock_request = static_cast<std::size_t>(matched[k]);
    }
}

}  // namespace

std::string transport_for(const RunOptions& o, const Scenario& sc) {
    if (!o.transport.empty()) return o.transport;
    return sc.transport.empty() ? std::string(kTransportNames.front()) : sc.transport;
}

std::string protocol_version_for(const RunOptions& o, const Scenario& sc) {
    if (!o.protocol_version.empty()) return o.protocol_version;
    return sc.protocol_version.empty() ? default_protocol_version() : sc.protocol_version;
}

std::string find_binary(const std::string& name, const fs::path& self_exe) {
    const fs::path dir = self_exe.parent_path();
    for (const auto& candidate :
         {dir / name, dir / ".." / "mock_ollama" / name, dir / ".." / "core" / name}) {
        std::error_code ec;
        if (fs::exists(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
            return fs::weakly_canonical(candidate).string();
        }
    }
    return common::find_program(name);
}

std::int64_t live_now_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

namespace {

// Lists the scenario with the progress display for as long as it runs.
class LiveGuard {
  public:
    LiveGuard(const Scenario& sc, RunOptions& o, double upstream_timeout_ms) : o_(o) {
        live_.name = sc.name;
        live_.started_steady_us = live_now_us();
        // Only our own server's timeout is known; a server of the user's own has its own.
        if (o.server_url.empty() && o.server_cmd.empty()) {
            live_.upstream_timeout_us = static_cast<std::int64_t>(upstream_timeout_ms * 1000);
        }
        o_.live = &live_;
        if (o_.on_live_start) o_.on_live_start(live_);
    }
    ~LiveGuard() {
        if (o_.on_live_end) o_.on_live_end(live_);
    }
    LiveGuard(const LiveGuard&) = delete;
    LiveGuard& operator=(const LiveGuard&) = delete;

  private:
    RunOptions& o_;
    LiveScenario live_;
};

}  // namespace

// The run's story: a folder, the processes, the patients they know, the mock told what to
// do, the clients, then what was left behind collected and each call matched to the mock
// request that fed it. The checks read the ScenarioRun; nothing here judges it.
ScenarioOutput run_scenario(const Scenario& sc, const RunOptions& given) {
    RunOptions o = given;  // this scenario's own live counters
    const double upstream_timeout_ms = sc.server.ollama_timeout.value_or(120) * 1000 * o.time_scale;
    const LiveGuard live(sc, o, upstream_timeout_ms);
    ScenarioOutput out;
    ScenarioRun& run = out.run;
    run.scenario = &sc;
    run.time_scale = o.time_scale;
    run.ollama_timeout_ms = upstream_timeout_ms;
    const auto t0 = std::chrono::steady_clock::now();
    // Too small a machine would only measure the harness's own shortage: refused up front.
    if (auto short_of = needs_problem(sc, this_machine()); !short_of.empty()) {
        run.harness_errors.push_back(std::move(short_of));
        return out;
    }
    const auto say = [&o, &sc](const std::string& line) {
        if (o.on_progress) o.on_progress(sc.name + ": " + line);
    };
    const auto dir = make_run_dir(o.work_dir, run.harness_errors);
    if (!dir) return out;
    Services services;
    try {
        start_services(sc, o, *dir, services);
        say("mock " + services.mock_url + ", server " + server_text(services.endpoint));
        const auto ids = read_patients(services.patients, run.patient_names);
        MockAdmin admin(services.mock_url);
        if (!o.shared_mock) admin.reset();  // shared: the other shards' calls are in flight
        admin.set_config(mock_config_for(sc, o.seed, ids, run.patient_names));
        snapshot_summaries_before(services.summaries, run);
        run.transport = services.endpoint.transport;
        const LogSlice slice = before_clients(sc, o, admin, services.mock_url, ids, run, say);
        const double self0 = self_cpu().total();
        const auto server0 = services.server ? process_cpu(services.server->pid()) : std::nullopt;
        run_clients(run.transport == "ws" ? sc : without_legacy_form(sc), o, services.endpoint, ids,
                    run, say);
        run.clients_cpu_s = self_cpu().total() - self0;
        if (const auto server1 = server0 ? process_cpu(services.server->pid()) : std::nullopt) {
            run.server_clients_cpu_s = server1->total() - server0->total();
        }
        collect(admin, services.summaries, slice, run);
        match_generate_calls(run);
    } catch (const std::exception& e) {
        run.harness_errors.push_back(e.what());
    }
    stop_services(services, out);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!o.keep_work_dir) {
        std::error_code ignored;
        fs::remove_all(*dir, ignored);
    }
    return out;
}

}  // namespace harness
