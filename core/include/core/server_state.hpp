#pragma once
// What every connection of one mcp-server shares: configuration, the patients, the summary
// store, the Ollama client, the logger and the counters.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include <nlohmann/json_fwd.hpp>

#include "common/log.hpp"
#include "core/latency_histogram.hpp"
#include "core/ollama_client.hpp"
#include "core/patients.hpp"
#include "core/server_config.hpp"
#include "core/summary_store.hpp"

namespace core {

// Generations that failed upstream, counted by kind.
class UpstreamErrors {
  public:
    // One slot per OllamaError, `none` included (it stays 0); `cancelled` is the last one.
    static constexpr std::size_t kKinds = static_cast<std::size_t>(OllamaError::cancelled) + 1;

    void add(OllamaError kind) noexcept {
        const auto i = static_cast<std::size_t>(kind);
        if (i < kKinds) by_kind_[i].fetch_add(1, std::memory_order_relaxed);
    }
    std::uint64_t of(OllamaError kind) const noexcept {
        const auto i = static_cast<std::size_t>(kind);
        return i < kKinds ? by_kind_[i].load(std::memory_order_relaxed) : 0;
    }
    std::uint64_t load() const noexcept {  // all kinds
        std::uint64_t n = 0;
        for (const auto& k : by_kind_) n += k.load(std::memory_order_relaxed);
        return n;
    }

  private:
    std::array<std::atomic<std::uint64_t>, kKinds> by_kind_{};
};

// The server's counters and gauges; /metrics (ops/metrics.cpp) exposes every one of them.
struct ServerStats {
    std::atomic<std::int64_t> connections{0};
    std::atomic<std::uint64_t> connections_total{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> tool_calls{0};
    std::atomic<std::uint64_t> tokens_relayed{0};
    std::atomic<std::int64_t> messages_in_handling{0};  // on a handler's stack right now
    std::atomic<std::int64_t> generations_active{0};
    std::atomic<std::int64_t> saves_active{0};     // saves queued, reply not yet sent
    std::atomic<std::int64_t> calls_in_flight{0};  // tools/calls admitted, not yet answered
    UpstreamErrors upstream_errors;  // generations failed upstream (budget stops not included)
    std::atomic<std::uint64_t> cancelled{0};
    std::atomic<std::uint64_t> slow_clients_dropped{0};
    std::atomic<std::uint64_t> internal_errors{0};      // handler exceptions caught
    std::atomic<std::uint64_t> calls_refused{0};        // --max-calls-per-connection
    std::atomic<std::uint64_t> connections_refused{0};  // --max-connections
    std::atomic<std::uint64_t> budgets_exceeded{0};     // --max-tokens-per-call, ...bytes
    std::atomic<std::int64_t> http_connections{0};      // accepted, before the WebSocket upgrade
    std::atomic<std::int64_t> http_sessions{0};         // Streamable HTTP sessions open
    std::atomic<std::int64_t> http_streams{0};          // SSE responses streaming now
    std::atomic<std::uint64_t> http_requests_total{0};  // Streamable HTTP POST/GET/DELETE handled
    std::atomic<std::int64_t> stdio_sessions{0};        // 0 or 1
    // From the moment a token is read from Ollama to the moment its frame goes to the transport.
    LatencyHistogram relay_lag;
    // From store.save() to its answer (the save is durable, or failed).
    LatencyHistogram save_latency;
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
