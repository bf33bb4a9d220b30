#pragma once
// mcp-server's configuration: a plain struct with documented defaults, filled by the command
// line or a JSON config file and passed to the server.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "common/log.hpp"
#include "core/csv_formulas.hpp"
#include "core/ollama_client.hpp"

namespace core {

struct ServerConfig {
    std::string host = "127.0.0.1";
    unsigned short port = 8765;
    unsigned threads = 0;  // 0 = one per core
    std::filesystem::path data_dir = ".";
    std::size_t generate_patients = 100;  // patients created when the data folder has none
    std::uint64_t patients_seed = 42;
    OllamaConfig ollama;                // url, model, timeouts (before time_scale)
    bool stream_upstream = true;        // false: ask Ollama with "stream": false
    std::size_t max_message = 1 << 20;  // larger frames: close 1009
    std::size_t queue_limit = 8 << 20;  // bytes queued for one client
    // Limits against hostile or broken peers; docs/limits.md has the table.
    std::size_t max_connections = 4096;                // open at once; more are answered 503
    std::size_t max_calls_per_connection = 32;         // tools/call in flight; more: error -32000
    std::size_t max_tokens_per_call = 100'000;         // a generation streaming more is stopped
    std::size_t max_summary_bytes = 4 << 20;           // ... and so is one longer than this
    std::chrono::milliseconds accept_backoff{250};     // wait after EMFILE/ENFILE before accepting
    FormulaPolicy csv_formulas = FormulaPolicy::keep;  // summaries starting with = + - @
    // Streamable HTTP: sessions (2025 revisions) open at once, and how long one may sit with
    // no request and nothing in flight before it is ended (404 afterwards).
    std::size_t max_sessions = 1024;
    std::chrono::milliseconds session_idle_timeout{1'800'000};
    // HTTP and WebSocket: a request must carry "Authorization: Bearer <auth_token>" when set.
    std::string auth_token;
    // Origins a browser may call from, comma-separated ("*" = any); loopback origins are
    // always allowed. A request with any other Origin header is answered 403.
    std::string allowed_origins;
    std::chrono::milliseconds ping_interval{30'000};
    std::chrono::milliseconds pong_timeout{120'000};
    std::chrono::milliseconds shutdown_grace{10'000};  // in-flight calls may finish
    double time_scale = 1.0;  // multiplies ping, pong, Ollama timeouts and the grace period
    common::LogLevel log_level = common::LogLevel::info;

    std::filesystem::path patients_file() const { return data_dir / "patients_data.csv"; }
    std::filesystem::path summaries_file() const { return data_dir / "patient_summaries.csv"; }
    // The configuration with every duration multiplied by time_scale.
    ServerConfig scaled() const;
};

}  // namespace core
