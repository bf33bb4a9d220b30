// mcp_server_load: processes, clients, CPU samples and the load-average gate.
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "common/child_process.hpp"
#include "harness/proc_stats.hpp"
#include "server_load.hpp"

namespace server_load {

using std::chrono::milliseconds;

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

TempDir::TempDir() {
    std::string pattern = (fs::temp_directory_path() / "mcp_server_load.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    if (keep_) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

std::string patient_id(std::size_t number) {
    return std::to_string(number);
}

std::string fmt(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

double mib(std::optional<std::int64_t> kib) {
    return kib ? static_cast<double>(*kib) / 1024.0 : -1;
}

CpuSample sample_cpu(pid_t server, pid_t mock) {
    CpuSample s;
    s.t = now_s();
    if (server > 0) s.server = harness::process_cpu(server).value_or(harness::CpuTimes{}).total();
    if (mock > 0) s.mock = harness::process_cpu(mock).value_or(harness::CpuTimes{}).total();
    s.self = harness::self_cpu().total();
    s.machine = harness::machine_busy_seconds().value_or(0);
    if (server > 0) {
        s.server_switches =
            static_cast<double>(harness::process_context_switches(server).value_or(0));
    }
    if (mock > 0) {
        s.mock_switches = static_cast<double>(harness::process_context_switches(mock).value_or(0));
    }
    return s;
}

double LoadGate::wait() {
    double load = harness::load_average_1m().value_or(0);
    while (threshold_ > 0 && load >= threshold_ && spent_s_ < budget_s_) {
        const double step = std::min(30.0, budget_s_ - spent_s_);
        std::cerr << "  load average " << fmt(load, 2) << " >= " << fmt(threshold_, 2)
                  << ": waiting " << fmt(step, 0) << " s (waited " << fmt(spent_s_, 0) << " of "
                  << fmt(budget_s_, 0) << " s)\n";
        std::this_thread::sleep_for(std::chrono::duration<double>(step));
        spent_s_ += step;
        load = harness::load_average_1m().value_or(0);
    }
    return load;
}

std::unique_ptr<harness::ServiceProcess> start_mock(const Options& o, const fs::path& dir,
                                                    std::size_t tokens, double tps, double ttft_ms,
                                                    std::size_t log_limit) {
    harness::ServiceOptions s;
    s.binary = o.mock_bin;
    s.args = {
        "--port",      "0",      "--tokens",      std::to_string(tokens), "--tps",
        fmt(tps, 3),   "--ttft", fmt(ttft_ms, 3), "--request-log-limit",  std::to_string(log_limit),
        "--log-level", "warn"};
    s.stderr_file = dir / "mock-ollama.stderr";
    return std::make_unique<harness::ServiceProcess>(s);
}

namespace {

// The official-SDK server reads the data files mcp-server writes: they are made first.
std::unique_ptr<harness::ServiceProcess> start_sdk_server(const Options& o, const fs::path& dir,
                                                          const std::string& ollama_url,
                                                          std::size_t patients) {
    const auto data = dir / "data";
    fs::create_directories(data);
    const std::string make = "'" + o.server_bin + "' generate-patients --count " +
                             std::to_string(patients) + " --out '" +
                             (data / "patients_data.csv").string() + "' >/dev/null";
    if (std::system(make.c_str()) != 0) throw std::runtime_error("failed: " + make);
    harness::ServiceOptions s;
    s.binary = common::find_program(o.node_bin);
    s.args = {o.sdk_server, "--transport", "http",         "--port",  "0",
              "--data-dir", data.string(), "--ollama-url", ollama_url};
    s.stderr_file = dir / "sdk-server.stderr";
    s.ready_timeout = milliseconds(60'000);
    return std::make_unique<harness::ServiceProcess>(s);
}

}  // namespace

std::unique_ptr<harness::ServiceProcess> start_server(const Options& o, const fs::path& dir,
                                                      const std::string& ollama_url,
                                                      std::size_t patients) {
    if (!o.sdk_server.empty()) return start_sdk_server(o, dir, ollama_url, patients);
    harness::ServiceOptions s;
    s.binary = o.server_bin;
    fs::create_directories(dir / "data");
    s.args = {
        "--port",      "0",    "--data-dir", (dir / "data").string(), "--ollama-url", ollama_url,
        "--log-level", "warn", "--patients", std::to_string(patients)};
    if (o.server_threads > 0) {
        s.args.push_back("--threads");
        s.args.push_back(std::to_string(o.server_threads));
    }
    s.stderr_file = dir / "mcp-server.stderr";
    s.ready_timeout = milliseconds(60'000);  // generating 10,000 patients takes a moment
    return std::make_unique<harness::ServiceProcess>(s);
}

namespace {

harness::ClientOptions client_options(const Options& o) {
    harness::ClientOptions c;
    c.request_timeout = milliseconds(120'000);
    c.transport = o.transport == "http" ? harness::Transport::http : harness::Transport::ws;
    return c;
}

// mcp-server's ready line says ws://; the same port and path serve Streamable HTTP.
std::string url_for(const Options& o, const std::string& ready_url) {
    const bool ws = ready_url.rfind("ws://", 0) == 0;
    if (o.transport == "http" && ws) return "http://" + ready_url.substr(5);
    if (o.transport == "ws" && !ws) {
        throw std::runtime_error("this server speaks Streamable HTTP only: use --transport http");
    }
    return ready_url;
}

}  // namespace

bench::FleetResult connect_clients(const Options& o, harness::EventLoop& loop,
                                   const std::string& url, std::size_t n) {
    bench::FleetOptions f;
    f.url = url_for(o, url);
    f.clients = n;
    f.connects_in_flight = 128;
    f.client = client_options(o);
    auto fleet = bench::connect_fleet(loop.io(), f);
    if (fleet.failed > 0) {
        throw std::runtime_error(std::to_string(fleet.failed) + " of " + std::to_string(n) +
                                 " clients not ready: " + fleet.error_summary());
    }
    return fleet;
}

nlohmann::json generate_params(const std::string& patient) {
    return {{"name", "generate_summary"}, {"arguments", {{"patient_id", patient}}}};
}

// "Generated Summary for <name> (ID: <id>):\n\n..." -> <name>
std::string name_in_result(const std::string& text) {
    constexpr std::string_view prefix = "Generated Summary for ";
    if (text.compare(0, prefix.size(), prefix) != 0) return {};
    const auto end = text.find(" (ID: ", prefix.size());
    if (end == std::string::npos) return {};
    return text.substr(prefix.size(), end - prefix.size());
}

}  // namespace server_load
