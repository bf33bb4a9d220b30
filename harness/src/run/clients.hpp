#pragma once
// The clients of one run: one ClientScript per client, all on one event loop of their own.
#include <functional>
#include <string>
#include <vector>

#include "harness/run_record.hpp"
#include "harness/runner.hpp"

namespace harness {

// Runs every client of `scenario` against `ws_url` until all are done or the scenario's
// deadline passes (a harness error in `run`), then appends their step records to run.steps,
// client by client, and stamps run.started_wall_us / ended_wall_us. `say` gets progress.
void run_clients(const Scenario& scenario, const RunOptions& options, const std::string& ws_url,
                 const std::vector<std::string>& ids, ScenarioRun& run,
                 const std::function<void(const std::string&)>& say);

}  // namespace harness
