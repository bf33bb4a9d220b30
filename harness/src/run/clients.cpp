#include "run/clients.hpp"

#include <condition_variable>
#include <mutex>

#include "client/client_script.hpp"
#include "common/clock.hpp"
#include "harness/connect_window.hpp"
#include "harness/connection.hpp"
#include "harness/event_loop.hpp"
#include "harness/proc_stats.hpp"
#include "run/call_plan.hpp"

namespace harness {

namespace {

// The real-time bound of one call: the scenario's deadline, scaled, never under 30 s.
std::chrono::milliseconds call_timeout_of(const Scenario& sc, double time_scale) {
    return std::chrono::milliseconds(
        static_cast<std::int64_t>(std::max(30.0, sc.deadline_s * time_scale) * 1000));
}

ScriptContext script_context(const Scenario& sc, const RunOptions& o,
                             const std::vector<std::string>& ids, const ScenarioRun& run,
                             std::size_t client, std::shared_ptr<ConnectWindow> window) {
    ScriptContext ctx;
    ctx.scenario = &sc;
    ctx.time_scale = o.time_scale;
    ctx.client = client;
    ctx.own_patient = own_patient(ids, client);
    ctx.own_index = own_index(ids, client);
    ctx.ids = &ids;
    ctx.names = &run.patient_names;
    ctx.call_timeout = call_timeout_of(sc, o.time_scale);
    ctx.calls_done = o.calls_done;
    ctx.tokens_seen = o.tokens_seen;
    ctx.live = o.live;
    ctx.window = std::move(window);
    return ctx;
}

// The one place the run's connection settings become the client's options.
ClientOptions client_options(const Endpoint& e) {
    using T = Transport;
    static_assert(static_cast<int>(T::ws) == 0 && static_cast<int>(T::http) == 1 &&
                      static_cast<int>(T::stdio) == 2 && kTransportNames.size() == 3,
                  "kTransportNames follows harness::Transport");
    ClientOptions o;
    o.idle_timeout = std::chrono::milliseconds(120'000);
    o.transport = static_cast<T>(transport_index(e.transport).value_or(0));
    o.protocol_version = e.protocol_version;
    o.headers = e.headers;
    o.server_command = e.server_command;
    return o;
}

}  // namespace

void run_clients(const Scenario& sc, const RunOptions& o, const Endpoint& endpoint,
                 const std::vector<std::string>& ids, ScenarioRun& run,
                 const std::function<void(const std::string&)>& say) {
    raise_fd_limit();
    EventLoop loop(o.client_threads);
    std::mutex m;
    std::condition_variable cv;
    std::size_t finished = 0;
    // One window for the run's clients: a few connecting at a time, not all at once.
    const auto window = std::make_shared<ConnectWindow>(o.connects_in_flight);
    std::vector<std::shared_ptr<ClientScript>> scripts;
    const ClientOptions copts = client_options(endpoint);
    // This shard's share of the clients (all of them unsharded), each with its global index.
    const std::vector<std::size_t> mine = clients_to_run(sc);
    run.started_wall_us = common::wall_micros();
    for (const std::size_t c : mine) {
        auto script =
            std::make_shared<ClientScript>(loop.io(), script_context(sc, o, ids, run, c, window));
        scripts.push_back(script);
        script->start(endpoint.url, copts, [&] {
            std::lock_guard lock(m);
            ++finished;
            cv.notify_all();
        });
    }
    say(std::to_string(mine.size()) + " client(s) started");
    {
        std::unique_lock lock(m);
        const auto deadline = call_timeout_of(sc, o.time_scale) + std::chrono::seconds(30);
        if (!cv.wait_for(lock, deadline, [&] { return finished == mine.size(); })) {
            run.harness_errors.push_back(
                "scenario did not finish within " + std::to_string(deadline.count()) + " ms (" +
                std::to_string(finished) + " of " + std::to_string(mine.size()) + " clients done)");
        }
    }
    loop.stop();      // joins the loop's threads: the records below have one owner again
    window->close();  // the scripts that go away now start no connection on a stopped loop
    run.ended_wall_us = common::wall_micros();
    std::size_t records = run.steps.size();
    for (const auto& s : scripts) records += s->records().size();
    run.steps.reserve(records);  // a record is large: moved once, not again on every growth
    for (auto& s : scripts) {
        for (auto& r : s->records()) run.steps.push_back(std::move(r));
    }
}

}  // namespace harness
