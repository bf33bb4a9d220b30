#pragma once
// The clients of one run: one ClientScript per client, all on one event loop of their own.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "harness/run_record.hpp"
#include "harness/runner.hpp"

namespace harness {

// Where and how every client of a run connects.
struct Endpoint {
    std::string transport = "ws";  // harness/connection.hpp's names
    std::string url;               // ws:// or http://; stdio: unused
    std::string protocol_version;
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::string> server_command;  // stdio: the argv each client starts
};

// Runs every client of `scenario` against `endpoint` until all are done or the scenario's
// deadline passes (a harness error in `run`), then appends their step records to run.steps,
// client by client, and stamps run.started_wall_us / ended_wall_us. `say` gets progress.
void run_clients(const Scenario& scenario, const RunOptions& options, const Endpoint& endpoint,
                 const std::vector<std::string>& ids, ScenarioRun& run,
                 const std::function<void(const std::string&)>& say);

}  // namespace harness
