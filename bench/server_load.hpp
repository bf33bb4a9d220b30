#pragma once
// mcp_server_load's shared parts: its options, the processes of one run (a fresh mock-ollama
// and mcp-server in a temp folder), the clients, the CPU samples, and the three scenarios.
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleet.hpp"
#include "harness/event_loop.hpp"
#include "harness/service_process.hpp"
#include "server_load_report.hpp"

namespace server_load {

namespace fs = std::filesystem;

struct Options {
    std::string scenario = "all";
    // (a)
    std::size_t clients = 1000;
    std::size_t tokens = 100;
    double tps = 50;
    double ttft_ms = 20;
    std::string form = "both";  // progress, legacy, both
    // (b)
    std::vector<std::size_t> sat_clients = {100, 200, 500};
    std::size_t sat_tokens = 1000;
    double sat_warmup_s = 1;
    double sat_seconds = 5;
    // (c)
    std::size_t save_in_flight = 64;
    std::size_t save_connections = 16;
    std::size_t save_patients = 10000;
    double save_seconds = 5;
    // all
    std::size_t repeats = 3;
    unsigned client_threads = 1;
    unsigned server_threads = 0;  // 0: the server's default (one per core)
    double wait_load = 1.5;       // wait for the 1-minute load average to drop below this
    double wait_max_s = 600;      // ... at most this long in all
    std::string json_file;
    // How the clients reach the server: "ws" (WebSocket) or "http" (Streamable HTTP).
    std::string transport = "ws";
    // The server under test is the official-SDK reference server (tests/js/sdk_server.mjs,
    // run with `node`, HTTP only) instead of mcp-server; mcp-server only writes its patients.
    std::string sdk_server;
    std::string node_bin = "node";
    std::string server_bin = MCP_SERVER_BIN;
    std::string mock_bin = MOCK_OLLAMA_BIN;
    bool keep_data = false;
};

double now_s();

// A fresh folder per run, removed at the end unless kept (--keep-data).
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    void keep() { keep_ = true; }

  private:
    fs::path path_;
    bool keep_ = false;
};

std::string patient_id(std::size_t number);  // 1-based, as the server generates them: "1", "2", ...
std::string fmt(double v, int decimals = 1);
double mib(std::optional<std::int64_t> kib);  // -1 when unknown

// Where the machine's CPU went between two samples: the server, the mock, this process.
struct CpuSample {
    double t = 0, server = 0, mock = 0, self = 0, machine = 0;
    double server_switches = 0, mock_switches = 0;
};

// pid <= 0: that process is not sampled.
CpuSample sample_cpu(pid_t server, pid_t mock);

// Waits before each run for the machine to be quiet enough.
class LoadGate {
  public:
    LoadGate(double threshold, double budget_s) : threshold_(threshold), budget_s_(budget_s) {}

    // Waits (polling every 30 s) until the 1-minute load average is below the threshold or
    // the budget for the whole program is spent; returns the load average at the end.
    double wait();
    double spent_s() const { return spent_s_; }

  private:
    double threshold_, budget_s_;
    double spent_s_ = 0;
};

std::unique_ptr<harness::ServiceProcess> start_mock(const Options& o, const fs::path& dir,
                                                    std::size_t tokens, double tps, double ttft_ms,
                                                    std::size_t log_limit);
std::unique_ptr<harness::ServiceProcess> start_server(const Options& o, const fs::path& dir,
                                                      const std::string& ollama_url,
                                                      std::size_t patients);
// n clients connected and initialized over o.transport; throws when any is not. `url` is the
// server's ready-line URL (ws:// or http://; the scheme follows the transport).
bench::FleetResult connect_clients(const Options& o, harness::EventLoop& loop,
                                   const std::string& url, std::size_t n);
nlohmann::json generate_params(const std::string& patient);
// "Generated Summary for <name> (ID: <id>):\n\n..." -> <name>
std::string name_in_result(const std::string& text);

// The scenarios, one run each on fresh processes; `load` is the load average before it.
Run run_streams(const Options& o, bool progress, double load);               // (a)
Run run_saturation(const Options& o, std::size_t concurrency, double load);  // (b)
Run run_saves(const Options& o, double load);                                // (c)

}  // namespace server_load
