#pragma once
// The mock's configuration: plain structs with documented defaults, filled from the command
// line, a JSON config file, and at run time by POST /_mock/config.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/log.hpp"
#include "mock_ollama/capabilities.hpp"
#include "mock_ollama/fault.hpp"
#include "mock_ollama/scripts.hpp"
#include "mock_ollama/textgen.hpp"

namespace mock_ollama {

// Caps on what a client (admin API, config, a request's options or X-Mock-* headers) can make
// the mock allocate: a generation holds its tokens in memory, models and rules are scanned per
// request.
inline constexpr std::size_t kMaxTokensPerResponse = 1'000'000;
inline constexpr std::size_t kMaxModels = 1000;
inline constexpr std::size_t kMaxRules = 10'000;

// How a generation is paced. Durations are at real scale; `time_scale` applies on top.
struct Pacing {
    std::chrono::nanoseconds ttft = std::chrono::milliseconds(200);  // before the first token
    double tps = 50.0;         // tokens per second after the first
    double jitter = 0.0;       // each gap multiplied by 1 + u * jitter, u in [-1, 1)
    std::size_t tokens = 120;  // tokens in a response (num_predict may cut it)
};

// Fields of a Pacing that a layer (model, rule, request) overrides.
struct PacingOverride {
    std::optional<std::chrono::nanoseconds> ttft;
    std::optional<double> tps;
    std::optional<double> jitter;
    std::optional<std::size_t> tokens;
    void apply_to(Pacing& p) const;
    bool empty() const { return !ttft && !tps && !jitter && !tokens; }
};

struct ModelInfo {
    std::string name;  // with tag, e.g. "phi:latest"
    std::string family = "phi2";
    std::string parameter_size = "3B";
    std::string quantization_level = "Q4_0";
    std::int64_t size = 1602463378;
    // A model a config or /api/create names without capabilities only completes text.
    Capabilities capabilities{Capability::completion};
    PacingOverride pacing;
};

// A run-time rule: requests whose prompt contains `match` (and model equals `model`, when
// set) get these overrides; `remaining` counts down when set (absent = forever).
struct Rule {
    std::string match;
    std::string model;
    std::optional<std::size_t> remaining;
    std::optional<Fault> fault;
    PacingOverride pacing;
    std::optional<TextProfile> profile;
};

// What may change while the mock runs; requests take an immutable snapshot.
std::vector<ModelInfo> default_models();

struct RuntimeConfig {
    std::uint64_t seed = 0;
    Pacing pacing;
    TextOptions text;
    std::vector<ModelInfo> models = default_models();
    std::vector<Rule> rules;
    std::shared_ptr<const ScriptBook> scripts;
    // Names /api/pull fails for, with Ollama's "pull model manifest: file does not exist"
    // (every other name pulls).
    std::vector<std::string> pull_fail;
};

struct MockConfig {
    std::string host = "127.0.0.1";
    unsigned short port = 11434;
    unsigned threads = 0;  // 0 = hardware concurrency
    double time_scale = 1.0;
    std::size_t body_limit = 8 << 20;                  // larger bodies get 413
    std::chrono::milliseconds header_timeout{10'000};  // unfinished request headers: closed
    std::chrono::milliseconds idle_timeout{300'000};   // idle keep-alive connections: closed
    std::size_t request_log_limit = 10'000;            // requests kept for /_mock/requests
    // Bytes that may queue behind a write that does not finish (a stream is held back
    // instead, see GenerationRun::tick); past it the connection is closed.
    std::size_t write_queue_limit = 1 << 20;
    common::LogLevel log_level = common::LogLevel::info;
    // When not empty, /_mock/* needs "Authorization: Bearer <admin_token>".
    std::string admin_token;
    // The only directory whose files POST /_mock/config may load as scripts; empty: none.
    std::filesystem::path scripts_dir;
    RuntimeConfig runtime;
};

// Parses an OLLAMA_HOST-style value ("host", "host:port", "http://host:port").
// Returns false when it cannot be understood.
bool parse_host_port(std::string_view value, std::string& host, unsigned short& port);

// Applies a config document (file or POST /_mock/config) onto `runtime` (and `config` for the
// start-only keys when non-null). Throws std::invalid_argument naming the offending key; on
// error nothing is changed. Keys: seed, ttft_ms, tps, jitter, tokens, profile, hostile_rate,
// models, rules, scripts (path or inline), fault (+ fault_count), pull_fail.
// A scripts path in a config file (`config` non-null) is the file's author's choice and read
// as given; at run time (`config` null) it must lie under `scripts_dir` (relative paths are
// taken from there), and without a scripts_dir it is refused.
void apply_config_json(const nlohmann::json& doc, RuntimeConfig& runtime, MockConfig* config,
                       const std::filesystem::path& scripts_dir = {});

// `requested` resolved (symlinks and "..", relative to `dir`) when the result lies strictly
// inside `dir`; throws std::invalid_argument otherwise.
std::filesystem::path resolve_inside(const std::filesystem::path& dir, std::string_view requested);

// Loads a config file (JSON). Errors name the file (and line/column for syntax errors).
void load_config_file(const std::filesystem::path& file, MockConfig& config);

nlohmann::json runtime_to_json(const RuntimeConfig& runtime);

}  // namespace mock_ollama
