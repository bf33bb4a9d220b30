#pragma once
// The MCP stdio transport: one client on two file descriptors (the process's stdin and
// stdout), one JSON-RPC message per line each way. Reading never blocks the loop (a
// posix::stream_descriptor); every line goes to the McpSession; what it sends goes out through
// a bounded queue with exactly one write in flight, the frames queued meanwhile coalesced into
// the next write. Everything runs on one strand.
//
// Its life: stdin's end (or a signal) starts the server's graceful shutdown, which lets calls
// in flight finish and then calls shutdown() here: what is queued is written, and the session
// ends. When stdout fails (the client closed it, or stopped reading for queue_limit bytes),
// everything in flight is cancelled and the session ends at once, output_lost() then true.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "core/server_state.hpp"
#include "mcp/mcp_session.hpp"
#include "net/line_reader.hpp"
#include "net/session_registry.hpp"

namespace core {

class StdioSession : public RegisteredConnection,
                     public std::enable_shared_from_this<StdioSession> {
  public:
    // The descriptors are duplicated (the originals stay open and keep their numbers);
    // `on_end` is called once, on the strand, when the client is done: stdin ended or stdout
    // was lost. Throws std::system_error when a descriptor cannot be used.
    StdioSession(boost::asio::any_io_executor strand, ServerState& state, SessionRegistry& registry,
                 int in_fd, int out_fd, std::function<void()> on_end);
    ~StdioSession() override;

    void start();
    // Server shutdown: stop reading, write what is queued, end. Any thread.
    void shutdown() override;
    // The client's output failed; meaningful once the session ended.
    bool output_lost() const { return output_lost_; }

  private:
    void do_read();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void line_too_long();
    void send(std::string frame);
    void do_write();
    void on_write(const boost::system::error_code& ec, std::size_t n);
    void stop_reading();
    void lose_output(const std::string& why);
    void end_of_client();
    void finished();

    ServerState& state_;
    SessionRegistry& registry_;
    boost::asio::posix::stream_descriptor in_;
    boost::asio::posix::stream_descriptor out_;
    std::function<void()> on_end_;
    std::shared_ptr<McpSession> mcp_;
    LineReader lines_;
    std::string read_buffer_;
    std::string pending_;  // frames queued, each with its '\n'
    std::string writing_;  // the write in flight
    bool reading_ = false;
    bool draining_ = false;  // shutting down: end once the queue is written
    bool output_lost_ = false;
    bool ended_client_ = false;
    bool done_ = false;
};

}  // namespace core
