#pragma once
// A scenario: what the harness sets up (mock pacing and faults, server timeouts, clients),
// what each client does (steps), and which checks of CHECKLIST.md decide it. Scenarios are
// JSON files; every duration in them is at real scale and scaled by --time-scale.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/call_record.hpp"
#include "harness/shard.hpp"

namespace harness {

// Every check id, in checklist order: the check table (reports/check_table.inc), then
// suite.all_pass.
const std::vector<std::string>& known_checks();

struct MockSettings {
    std::optional<double> ttft_ms, tps, jitter, hostile_rate;
    std::optional<std::size_t> tokens;
    std::optional<std::string> profile;
    std::optional<std::uint64_t> seed;
};

// The scenario's "server" block: the server's own config-file keys, checked at load by the
// server's settings table (core/server_settings.hpp); a run hands `config` to the server as its
// --config file. The harness itself reads only the value below.
struct ServerSettings {
    nlohmann::json config = nlohmann::json::object();  // validated; old spellings renamed
    std::optional<double> ollama_timeout;  // seconds, at real scale: the timeout check's bound
};

// A step's "op". The op names and the keys each kind takes are one table,
// harness/src/scenario/step_kinds.cpp: a new kind is a value here and a row there.
enum class StepKind {
    initialize,
    list_tools,
    ping,
    search,
    get,
    generate,
    update,
    cancel,
    raw,
    oversized,
    wait,
    parallel
};
// The kind's op ("generate"), "?" for a value the table lacks.
std::string_view to_string(StepKind kind);

enum class Expect { ok, tool_error, protocol_error, close };

// How `run --shard I/N` splits a scenario: whole, to one shard ("scenario", the default), or
// its clients over every shard ("clients", the load scenarios; harness/shard.hpp).
enum class ShardBy { scenario, clients };

// What a whole run of a scenario asks of the machine, with its server and mock local
// ("needs": {"cores": C, "fds": F}); a shard needs its share (harness/needs.hpp). 0: unstated.
struct Needs {
    std::uint64_t cores = 0;
    std::uint64_t fds = 0;  // open files per process (RLIMIT_NOFILE)
};

struct Step {
    StepKind kind = StepKind::ping;
    std::string label;                    // "as": names a call for `cancel`
    std::string patient;                  // empty: the client's own patient (1 for client 0, ...)
    std::string keyword;                  // search
    std::string summary;                  // update
    bool save = false;                    // generate
    std::optional<bool> stream_upstream;  // generate: false asks Ollama for one response
    std::optional<StreamForm> form;       // generate: legacy frames or progress
    std::string fault;                    // generate: a mock fault for this call only
    MockSettings pacing;                  // generate: pacing for this call only
    std::string target;                   // cancel: the label of the call to cancel
    std::size_t after_tokens = 0;         // cancel: once the target has this many tokens
    std::string frame;                    // raw: sent as is
    std::size_t bytes = 0;                // oversized: message size
    double ms = 0;                        // wait
    Expect expect = Expect::ok;
    std::optional<int> expect_code;  // protocol_error: JSON-RPC code; close: close code
    std::string expect_text;         // a substring the result text must contain
    std::vector<Step> steps;         // parallel: run at once on one connection
};

struct Scenario {
    std::string name, description;
    std::filesystem::path file;
    std::vector<std::string> checks;
    MockSettings mock;
    ServerSettings server;
    std::size_t clients = 1;
    StreamForm form = StreamForm::legacy;
    // How the clients connect (harness/connection.hpp names): "" leaves it to the run
    // (--transport, else ws); the command line, when it names one, wins over the scenario.
    std::string transport;
    std::string protocol_version;        // likewise: "" is --protocol-version's, else the default
    double ttft_tolerance_ms = 250;      // stream.realtime
    double lag_p99_tolerance_ms = 50;    // stream.realtime
    double timeout_tolerance_ms = 5000;  // timeout.upstream_stall: how late the error may be
    double deadline_s = 600;             // the whole scenario, real scale
    std::vector<Step> steps;
    ShardBy shard_by = ShardBy::scenario;
    // Set by shard_scenarios in a run with --shard: the shard this process runs of it.
    std::optional<Shard> shard;
    Needs needs;
};

// A scenario file that cannot be used: the message names file, line and column.
class ScenarioError : public std::runtime_error {
  public:
    ScenarioError(std::filesystem::path file, std::size_t line, std::size_t column,
                  const std::string& problem);
    const std::filesystem::path& file() const { return file_; }
    std::size_t line() const { return line_; }
    std::size_t column() const { return column_; }

  private:
    std::filesystem::path file_;
    std::size_t line_, column_;
};

Scenario parse_scenario(std::string_view text, const std::filesystem::path& file);
Scenario load_scenario(const std::filesystem::path& file);
// Files and folders (recursively, *.json, sorted by path) to scenarios; every error is
// collected and thrown together (one line each).
std::vector<Scenario> load_scenarios(const std::vector<std::filesystem::path>& paths);

// The patient a step names: "" is the client's own (`own`); "+N" the patient N places after
// it in `ids` (file order), so that each of many clients gets distinct others; anything
// else is a patient id as is.
std::string resolve_patient(const std::string& spec, std::size_t own_index,
                            const std::vector<std::string>& ids, const std::string& own);

// The closest of `candidates` to `word` (edit distance), for "did you mean" hints.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace harness
