#pragma once
// Everything one scenario run observed, as the checks see it: each step each client took
// (with the call record: send time, every token with its arrival time, the response), what
// the mock emitted for each generation (and when), and the summaries CSV before and after.
// Checks are pure functions of this record, so they can be tested on made-up records.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/call_record.hpp"
#include "harness/clock_probe.hpp"
#include "harness/mock_admin.hpp"
#include "harness/scenario.hpp"

namespace harness {

// A step as one client ran it: the scenario's Step itself (kind, label, expect, fault...),
// where it stands, and what came of it.
struct StepRecord : Step {
    std::size_t client = 0;
    std::string path;  // "steps[2]", "steps[3].steps[1]": where in the scenario
    std::string patient_id, patient_name;
    // generate: what this call used, the step's own choice (Step::form, Step::stream_upstream,
    // as written) or the scenario's default. A check asks what happened, not what was written.
    StreamForm used_form = StreamForm::legacy;
    bool used_stream_upstream = true;
    bool is_call = false;  // a JSON-RPC request was sent (call is filled)
    CallRecord call;
    bool cancelled = false;  // a cancel step cancelled this call
    std::int64_t cancel_sent_wall_us = 0;
    std::optional<int> close_code;  // the server closed the connection with this code
    std::string close_reason;
    std::int64_t closed_wall_us = 0;
    std::optional<std::size_t> mock_request;  // index into ScenarioRun::mock_requests
};

struct ScenarioRun {
    const Scenario* scenario = nullptr;
    double time_scale = 1.0;
    // The transport the clients used (harness/connection.hpp). Over http and stdio a legacy
    // (stream_token) generate step is sent with a progressToken: those frames are WebSocket's.
    std::string transport = "ws";
    double ollama_timeout_ms = 120'000;  // the server's upstream inactivity timeout, scaled
    std::vector<StepRecord> steps;
    std::vector<MockRequest> mock_requests;
    std::string summaries_csv_before, summaries_csv_after;  // bytes
    std::vector<std::string> data_dir_files_after;          // names, to spot temp files
    bool summaries_csv_known = true;  // false: the server's CSV is not reachable (remote)
    std::map<std::string, std::string> patient_names;  // id -> name
    std::int64_t started_wall_us = 0, ended_wall_us = 0;
    // CPU seconds spent while the clients ran (first connect to last close, setup and the
    // mock's log left out): this process's and, when the harness started it, the server's.
    std::optional<double> clients_cpu_s, server_clients_cpu_s;
    std::vector<std::string> harness_errors;  // the run itself went wrong (not the server)
    // A sharded or coordinated run (--shard, --start-at): the mock's clock against ours,
    // measured after setup, and how late the clients began after the --start-at instant.
    std::optional<ClockOffset> mock_clock;
    std::optional<std::int64_t> start_late_us;
};

// The summary inside a generate_summary result text ("Generated Summary for N (ID: X):\n\n"),
// or nullopt when the text does not have that shape.
std::optional<std::string> summary_from_result(const std::string& text);

}  // namespace harness
