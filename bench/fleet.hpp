#pragma once
// Many clients of one server on one event loop, for mcp_server_load: connected (a bounded
// number of handshakes at a time, so the server's listen backlog never overflows into SYN
// retries: harness::ConnectWindow, as the harness's own clients), initialized, and closed
// again. Blocking helpers: call them from a thread that is
// not running the loop.
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "common/version.hpp"
#include "harness/mcp_client.hpp"

namespace bench {

struct FleetOptions {
    std::string url;
    std::size_t clients = 1;
    std::size_t connects_in_flight = 64;  // at least 1
    harness::ClientOptions client = {};
    bool initialize = true;
    std::string protocol_version = "2025-06-18";
    nlohmann::json client_info = {{"name", "mcp-harness"}, {"version", common::kVersion}};
    std::chrono::milliseconds timeout{120'000};  // the whole fleet
};

struct FleetResult {
    std::vector<std::shared_ptr<harness::McpClient>>
        clients;  // the ones ready (connected, initialized)
    std::size_t failed = 0;
    std::map<std::string, std::size_t> errors;  // why, with counts
    double seconds = 0;

    std::string error_summary() const;  // "3 x connect ...: refused; ..." or ""
};

FleetResult connect_fleet(boost::asio::io_context& io, const FleetOptions& options);

// Closes every client (close handshake), waiting at most `timeout`; returns how many closed.
std::size_t close_fleet(const std::vector<std::shared_ptr<harness::McpClient>>& clients,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace bench
