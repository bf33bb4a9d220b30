#pragma once
// The mock's HTTP server: one io_context run by a few threads, one session object per
// connection on its own strand, one timer per stream. No thread per connection or request.
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>

#include "common/log.hpp"
#include "mock_ollama/api.hpp"
#include "mock_ollama/config.hpp"
#include "mock_ollama/request_log.hpp"
#include "mock_ollama/stats.hpp"

namespace mock_ollama {

class Listener;
class SessionRegistry;

// Everything a session needs, shared by all sessions of one server.
struct ServerContext {
    const MockConfig& config;
    Api& api;
    Stats& stats;
    common::Logger& log;
    SessionRegistry& sessions;  // every session registers itself, for stop()
};

class MockServer {
  public:
    explicit MockServer(MockConfig config);
    ~MockServer();
    MockServer(const MockServer&) = delete;
    MockServer& operator=(const MockServer&) = delete;

    // Binds and starts accepting; throws boost::system::system_error when it cannot bind.
    // Returns the bound endpoint (the real port when the configured port is 0).
    boost::asio::ip::tcp::endpoint listen();

    // From now on SIGINT and SIGTERM stop the server (call before announcing readiness, so
    // that a signal right after the ready line is never lost).
    void stop_on_signals();
    // Runs the event loop on `config.threads` threads (this one included) until stop().
    void run();
    // Runs the event loop on background threads and returns at once (tests).
    void start_background();
    // Stops accepting, shuts every connection down (a stream in progress ends, outcome
    // "server_stopped") and then ends the event loop; safe from any thread or a signal
    // handler's posted callback. Returns at once: the loop ends shortly after.
    void stop();

    Stats& stats() { return stats_; }
    RequestLog& requests() { return log_; }
    common::Logger& logger() { return logger_; }

  private:
    unsigned thread_count() const;
    // Once no thread runs the loop: shuts down the sessions stop() did not reach.
    void release_sessions();

    MockConfig config_;
    common::Logger logger_;
    Stats stats_;
    RequestLog log_;
    Api api_;
    // Before io_: sessions destroyed with the io_context's pending handlers unregister here.
    std::unique_ptr<SessionRegistry> sessions_;
    ServerContext context_;
    boost::asio::io_context io_;
    std::shared_ptr<Listener> listener_;
    std::optional<boost::asio::signal_set> signals_;
    std::vector<std::thread> threads_;
};

}  // namespace mock_ollama
