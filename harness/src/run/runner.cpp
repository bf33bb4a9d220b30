#include "harness/runner.hpp"

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>

#include "client/client_script.hpp"
#include "common/clock.hpp"
#include "common/csv.hpp"
#include "harness/event_loop.hpp"
#include "harness/mock_admin.hpp"
#include "harness/mock_match.hpp"
#include "harness/proc_stats.hpp"
#include "harness/service_process.hpp"
#include "run/cli_number.hpp"
#include "run/server_args.hpp"
#include "scenario/mock_config.hpp"

namespace harness {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Patient ids in file order and their names, from a patients_data.csv.
void read_patients(const fs::path& file, std::vector<std::string>& ids,
                   std::map<std::string, std::string>& names) {
    const auto rows = common::csv::parse(read_file(file));
    if (rows.empty()) return;
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
}

// Per-call faults and pacing become mock rules matching the patient's "Name:" line. When a
// patient has any, every generate for that patient gets a rule (plain ones too), in step
// order, so that each call takes its own rule.
struct PlannedCall {
    std::string patient;
    json overrides;
};
void plan_calls(const std::vector<Step>& steps, std::size_t own_index,
                const std::vector<std::string>& ids, const std::string& own,
                std::vector<PlannedCall>& out) {
    for (const auto& s : steps) {
        if (s.kind == StepKind::generate) {
            out.push_back({resolve_patient(s.patient, own_index, ids, own), step_rule_json(s)});
        }
        plan_calls(s.steps, own_index, ids, own, out);
    }
}

}  // namespace

std::string find_binary(const std::string& name, const fs::path& self_exe) {
    const fs::path dir = self_exe.parent_path();
    for (const auto& candidate :
         {dir / name, dir / ".." / "mock_ollama" / name, dir / ".." / "core" / name}) {
        std::error_code ec;
        if (fs::exists(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
            return fs::weakly_canonical(candidate).string();
        }
    }
    if (const char* path = std::getenv("PATH")) {
        std::string_view rest = path;
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const fs::path c = fs::path(std::string(rest.substr(0, colon))) / name;
            if (::access(c.c_str(), X_OK) == 0) return c.string();
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
    }
    return name;
}

ScenarioOutput run_scenario(const Scenario& sc, const RunOptions& o) {
    ScenarioOutput out;
    ScenarioRun& run = out.run;
    run.scenario = &sc;
    run.time_scale = o.time_scale;
    run.ollama_timeout_ms = sc.server.ollama_timeout_s.value_or(120) * 1000 * o.time_scale;
    const auto t0 = std::chrono::steady_clock::now();
    auto say = [&o, &sc](const std::string& line) {
        if (o.on_progress) o.on_progress(sc.name + ": " + line);
    };

    // A folder of its own for this run: data, logs. Without one nothing can run; that is a
    // harness error of this scenario, never an exception out of a worker thread.
    std::error_code mkdir_error;
    fs::create_directories(o.work_dir, mkdir_error);
    std::string pattern = (o.work_dir / "run-XXXXXX").string();
    if (mkdir_error || ::mkdtemp(pattern.data()) == nullptr) {
        run.harness_errors.push_back(
            "cannot create a run folder in " + o.work_dir.string() + ": " +
            (mkdir_error ? mkdir_error.message() : std::generic_category().message(errno)));
        return out;
    }
    const fs::path dir = pattern;
    const fs::path data_dir = dir / "data";

    std::optional<ServiceProcess> mock, server;
    std::string ws_url = o.server_url, mock_url = o.ollama_url;
    fs::path summaries = o.summaries_csv, patients = o.patients_csv;
    std::vector<std::string> ids;
    auto attach_logs = [&] {
        if (mock) out.attachments.push_back({"mock-ollama log (tail)", mock->stderr_tail(6000)});
        if (server) out.attachments.push_back({"mcp-server log (tail)", server->stderr_tail(6000)});
    };
    try {
        if (ws_url.empty()) {
            mock.emplace(
                ServiceOptions{.binary = o.mock_bin,
                               .args = {"--port", "0", "--time-scale", cli_number(o.time_scale),
                                        "--seed", std::to_string(o.seed), "--request-log-limit",
                                        "1000000", "--log-level", "info"},
                               .stderr_file = dir / "mock-ollama.log"});
            mock_url = mock->url();
            server.emplace(
                ServiceOptions{.binary = o.server_bin,
                               .args = server_args(sc.server, data_dir, mock_url, o.time_scale),
                               .stderr_file = dir / "mcp-server.log"});
            ws_url = server->url();
            summaries = data_dir / "patient_summaries.csv";
            patients = data_dir / "patients_data.csv";
        } else if (mock_url.empty()) {
            throw std::runtime_error(
                "--server-url needs --ollama-url: the mock-ollama that "
                "server uses (its admin API decides the stream checks)");
        }
        say("mock " + mock_url + ", server " + ws_url);
        if (!patients.empty() && fs::exists(patients))
            read_patients(patients, ids, run.patient_names);

        // Client c works on the c-th patient of the file (P001, P002, ... when unknown).
        const auto own_patient = [&ids](std::size_t c) {
            if (!ids.empty()) return ids[c % ids.size()];
            char buf[32];
            std::snprintf(buf, sizeof buf, "P%03zu", c + 1);
            return std::string(buf);
        };
        MockAdmin admin(mock_url);
        admin.reset();
        json config = pacing_json(sc.mock);
        config["seed"] = sc.mock.seed.value_or(o.seed);
        // Rules for per-call faults and pacing.
        std::vector<PlannedCall> planned;
        for (std::size_t c = 0; c < sc.clients; ++c) {
            plan_calls(sc.steps, ids.empty() ? c : c % ids.size(), ids, own_patient(c), planned);
        }
        std::set<std::string> special;
        for (const auto& p : planned) {
            if (!p.overrides.empty()) special.insert(p.patient);
        }
        json rules = json::array();
        for (const auto& p : planned) {
            if (special.count(p.patient) == 0) continue;
            const auto name = run.patient_names.find(p.patient);
            if (name == run.patient_names.end()) {
                throw std::runtime_error("per-call faults need patient names; patient " +
                                         p.patient +
                                         " is not in the patients file (pass --patients-csv)");
            }
            json rule = p.overrides;
            rule["match"] = "Name: " + name->second + "\n";
            rule["count"] = 1;
            rules.push_back(rule);
        }
        if (!rules.empty()) config["rules"] = rules;
        admin.set_config(config);

        run.summaries_csv_known = !summaries.empty() && fs::exists(summaries);
        if (run.summaries_csv_known) run.summaries_csv_before = read_file(summaries);

        // The clients.
        raise_fd_limit();
        EventLoop loop(o.client_threads);
        std::mutex m;
        std::condition_variable cv;
        std::size_t finished = 0;
        std::vector<std::shared_ptr<ClientScript>> scripts;
        ClientOptions copts;
        copts.idle_timeout = std::chrono::milliseconds(120'000);
        const auto call_timeout = std::chrono::milliseconds(
            static_cast<std::int64_t>(std::max(30.0, sc.deadline_s * o.time_scale) * 1000));
        run.started_wall_us = common::wall_micros();
        for (std::size_t c = 0; c < sc.clients; ++c) {
            ScriptContext ctx;
            ctx.scenario = &sc;
            ctx.time_scale = o.time_scale;
            ctx.client = c;
            ctx.own_patient = own_patient(c);
            ctx.own_index = ids.empty() ? c : c % ids.size();
            ctx.ids = &ids;
            ctx.names = &run.patient_names;
            ctx.call_timeout = call_timeout;
            ctx.calls_done = o.calls_done;
            ctx.tokens_seen = o.tokens_seen;
            auto script = std::make_shared<ClientScript>(loop.io(), ctx);
            scripts.push_back(script);
            script->start(ws_url, copts, [&] {
                std::lock_guard lock(m);
                ++finished;
                cv.notify_all();
            });
        }
        say(std::to_string(sc.clients) + " client(s) started");
        {
            std::unique_lock lock(m);
            const auto deadline = call_timeout + std::chrono::seconds(30);
            if (!cv.wait_for(lock, deadline, [&] { return finished == sc.clients; })) {
                run.harness_errors.push_back("scenario did not finish within " +
                                             std::to_string(deadline.count()) + " ms (" +
                                             std::to_string(finished) + " of " +
                                             std::to_string(sc.clients) + " clients done)");
            }
        }
        loop.stop();  // joins the loop's threads: the records below have one owner again
        run.ended_wall_us = common::wall_micros();
        for (auto& s : scripts) {
            for (auto& r : s->records()) run.steps.push_back(std::move(r));
        }

        run.mock_requests = admin.requests(0, true);
        if (run.summaries_csv_known && fs::exists(summaries)) {
            run.summaries_csv_after = read_file(summaries);
            for (const auto& e : fs::directory_iterator(summaries.parent_path())) {
                run.data_dir_files_after.push_back(e.path().filename().string());
            }
        }
        // Which mock request produced each generate call's stream.
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
    } catch (const std::exception& e) {
        run.harness_errors.push_back(e.what());
    }
    if (server) server->stop();
    if (mock) mock->stop();
    attach_logs();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!o.keep_work_dir) {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    return out;
}

}  // namespace harness
