#pragma once
// What every connection of one mcp-server shares: configuration, the patients, the summary
// store, the Ollama client, the logger and the counters.
#include <atomic>
#include <cstdint>

#include <nlohmann/json_fwd.hpp>

#include "common/log.hpp"
#include "core/ollama_client.hpp"
#include "core/patients.hpp"
#include "core/server_config.hpp"
#include "core/summary_store.hpp"

namespace core {

struct ServerStats {
    std::atomic<std::int64_t> connections{0};
    std::atomic<std::uint64_t> connections_total{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> tool_calls{0};
    std::atomic<std::uint64_t> tokens_relayed{0};
    std::atomic<std::int64_t> generations_active{0};
    std::atomic<std::int64_t> saves_active{0};  // saves queued, reply not yet sent
    std::atomic<std::uint64_t> upstream_errors{0};
    std::atomic<std::uint64_t> cancelled{0};
    std::atomic<std::uint64_t> slow_clients_dropped{0};
    std::atomic<std::uint64_t> internal_errors{0};      // handler exceptions caught
    std::atomic<std::uint64_t> calls_refused{0};        // --max-calls-per-connection
    std::atomic<std::uint64_t> connections_refused{0};  // --max-connections
    std::atomic<std::uint64_t> budgets_exceeded{0};     // --max-tokens-per-call, ...bytes
    std::atomic<std::int64_t> http_connections{0};      // accepted, before the WebSocket upgrade
};

struct ServerState {
    const ServerConfig& config;  // already scaled
    const PatientIndex& patients;
    SummaryStore& store;
    OllamaClient& ollama;
    common::Logger& log;
    ServerStats& stats;
};

}  // namespace core
