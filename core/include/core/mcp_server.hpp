#pragma once
// mcp-server: loads (or creates) the data folder, then serves MCP over WebSocket at /mcp on
// one io_context run by a few threads; one object and one strand per connection. Or, in
// stdio mode, serves one client on stdin/stdout instead of listening (serve_stdio).
// Its life cycle (listen, stop_on_signals, run, start_background, shutdown) is the one
// mock_ollama::MockServer has, on purpose: the harness and tests drive both programs the same
// way. The classes stay apart because nothing else about the two servers is shared.
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/server_config.hpp"
#include "core/server_state.hpp"

namespace core {

class Listener;
class SessionRegistry;
class StdioSession;

class McpServer {
  public:
    // Opens the data folder: creates patients_data.csv and patient_summaries.csv when they
    // are missing (saying so in the log), refuses corrupt ones (DataFileError).
    explicit McpServer(ServerConfig config);
    ~McpServer();
    McpServer(const McpServer&) = delete;
    McpServer& operator=(const McpServer&) = delete;

    boost::asio::ip::tcp::endpoint listen();
    // Instead of listen(): one MCP client on these descriptors (the process's stdin and
    // stdout), one JSON-RPC message per line. When the input ends the server shuts down
    // gracefully, as on a signal; run() then returns. SIGPIPE is ignored from here on.
    void serve_stdio(int in_fd, int out_fd);
    // After run(): the stdio client's output failed (closed, or not read for --queue-limit
    // bytes), so its calls were cancelled rather than answered.
    bool stdio_output_lost() const;
    void stop_on_signals();
    void run();               // until stopped; returns after a graceful shutdown
    void start_background();  // tests
    // Graceful: stop accepting, let calls in flight finish (up to the grace period), close
    // every connection with 1001, flush the store. Any thread.
    void shutdown();

    ServerStats& stats() { return stats_; }
    common::Logger& logger() { return log_; }

  private:
    void shutdown_step();
    unsigned thread_count() const;

    void run_loop();  // one I/O thread: io_.run(), surviving a handler's exception

    // Declaration order is destruction order, reversed: what a connection refers to
    // (state_, registry_, the store) is declared before io_, so it outlives the connections
    // that io_'s pending handlers still own when it is destroyed.
    ServerConfig config_;  // scaled
    common::Logger log_;
    ServerStats stats_;
    std::unique_ptr<PatientIndex> patients_;
    std::unique_ptr<SummaryStore> store_;
    std::unique_ptr<ServerState> state_;
    std::unique_ptr<SessionRegistry> registry_;
    boost::asio::io_context io_;
    std::unique_ptr<OllamaClient> ollama_;
    std::shared_ptr<Listener> listener_;
    std::shared_ptr<StdioSession> stdio_;
    std::optional<boost::asio::signal_set> signals_;
    boost::asio::steady_timer shutdown_timer_;
    std::chrono::steady_clock::time_point shutdown_deadline_{};
    bool shutting_down_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace core
