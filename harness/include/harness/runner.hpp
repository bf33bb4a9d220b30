#pragma once
// Runs one scenario end to end: a fresh data folder, mock-ollama and mcp-server as children
// on port 0 (or an existing server and mock given by URL), the mock's pacing and per-call
// faults set through its admin API, every client's steps driven on one event loop, then the
// mock's log and the summaries CSV collected into a ScenarioRun for the checks.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/run_record.hpp"
#include "harness/scenario.hpp"

namespace harness {

// One running scenario as a progress display sees it. The runner and its clients write it
// (relaxed atomics: a token costs one fetch_add, no lock), the display's ticker reads it.
struct LiveScenario {
    std::string name;
    std::int64_t started_steady_us = 0;  // steady_clock, µs since its epoch
    std::atomic<std::uint64_t> calls_done{0}, tokens{0};
    // When the wait step a client is in ends (steady µs); 0: no client is waiting.
    std::atomic<std::int64_t> wait_until_steady_us{0};
    // Calls sent, and when the clients last heard of any call (sent, token, end; steady µs):
    // a call in flight that hears nothing is shown as silent, against the timeout below.
    std::atomic<std::uint64_t> calls_started{0};
    std::atomic<std::int64_t> last_heard_steady_us{0};
    // Our own server's upstream inactivity timeout (scaled, µs); 0: not known (a server of
    // the user's own).
    std::int64_t upstream_timeout_us = 0;
};

// steady_clock::now() in the µs of LiveScenario.
std::int64_t live_now_us();

struct RunOptions {
    double time_scale = 1.0;
    std::uint64_t seed = 7;
    std::string server_url;               // empty: launch our own mcp-server
    std::string ollama_url;               // the mock the server uses (required with server_url)
    std::filesystem::path summaries_csv;  // the external server's CSV (optional)
    std::filesystem::path patients_csv;   // the external server's patients (optional)
    // An external stdio server: a shell command, started once per client (with server_url:
    // neither given launches our own mcp-server).
    std::string server_cmd;
    // How the clients connect (harness/connection.hpp): "" leaves it to the scenario, else ws.
    std::string transport;
    std::string protocol_version;  // "" : the scenario's, else default_protocol_version()
    std::vector<std::pair<std::string, std::string>> headers;  // every HTTP request, handshake
    std::string mock_bin, server_bin;                          // binaries to launch
    std::filesystem::path work_dir;                            // data folders and logs go below it
    unsigned client_threads = 1;                               // event-loop threads for the clients
    // How many of a scenario's clients may be connecting and initializing at a time: all at
    // once overflow the server's listen backlog, and a dropped SYN is retried only after 1 s+.
    std::size_t connects_in_flight = 64;
    bool keep_work_dir = false;
    // --start-at: every scenario's clients begin at this wall instant (µs since the epoch), after
    // its setup; one already past starts at once and the report says how late.
    std::optional<std::int64_t> start_at_us;
    // --ollama-url shared by several shards: no reset of the mock, and only this shard's own
    // patients' part of its request log read back.
    bool shared_mock = false;
    std::function<void(const std::string& line)> on_progress;  // live progress lines
    // Live counters for a progress display (may be shared by parallel scenarios).
    std::atomic<std::uint64_t>* calls_done = nullptr;
    std::atomic<std::uint64_t>* tokens_seen = nullptr;
    // Called from run_scenario's thread when a scenario starts and before it returns: the
    // LiveScenario lives in between (a progress display lists it meanwhile).
    std::function<void(LiveScenario&)> on_live_start, on_live_end;
    LiveScenario* live = nullptr;  // set by run_scenario for its clients
};

struct ScenarioOutput {
    ScenarioRun run;
    // (name, text) attached to the report when a check fails: service logs and the like.
    std::vector<std::pair<std::string, std::string>> attachments;
    double seconds = 0;
};

// The transport and revision `scenario` runs with: the run's when it names them, else the
// scenario's, else ws and default_protocol_version().
std::string transport_for(const RunOptions& options, const Scenario& scenario);
std::string protocol_version_for(const RunOptions& options, const Scenario& scenario);

// Never throws for a server's misbehaviour (that is what the checks are for); a run that
// could not be carried out (a process would not start) is in run.harness_errors.
ScenarioOutput run_scenario(const Scenario& scenario, const RunOptions& options);

// Where the bundled binaries are: next to the harness binary in the build tree, or on PATH.
std::string find_binary(const std::string& name, const std::filesystem::path& self_exe);

}  // namespace harness
