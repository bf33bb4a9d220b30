#pragma once
// What a sharded or coordinated run (--shard, --start-at) does around its clients: the clock
// evidence against the mock and the log's high-water mark taken after setup, the wait for the
// start instant, and which part of the mock's request log is this shard's to read.
#include <cstdint>
#include <string>
#include <vector>

#include "harness/mock_admin.hpp"
#include "harness/run_record.hpp"
#include "harness/runner.hpp"

namespace harness {

// How the request log is read after the clients: ids after `since`, and with `prompt_lines`
// only this shard's patients' requests (a mock shared by every shard).
struct LogSlice {
    std::uint64_t since = 0;
    std::vector<std::string> prompt_lines;
};

// The "Name: <name>" prompt lines of the patients `scenario`'s clients (this run's share)
// generate for; empty when a name is unknown (no patients file: the log is then read whole).
std::vector<std::string> own_prompt_lines(const Scenario& scenario,
                                          const std::vector<std::string>& ids,
                                          const std::map<std::string, std::string>& names);

// After setup, before the clients: measures the mock's clock (run.mock_clock) when sharded or
// coordinated, waits for options.start_at_us (run.start_late_us), and says which slice of the
// log is this run's. `say` gets progress lines.
LogSlice before_clients(const Scenario& scenario, const RunOptions& options, const MockAdmin& admin,
                        const std::string& mock_url, const std::vector<std::string>& ids,
                        ScenarioRun& run, const std::function<void(const std::string&)>& say);

}  // namespace harness
