#pragma once
// One WebSocket connection at /mcp: one JSON-RPC message per text frame, a bounded outgoing
// queue with exactly one write in flight, keep-alive pings, and a size cap on every read.
// Everything runs on the connection's strand.
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "core/server_state.hpp"
#include "mcp/mcp_session.hpp"
#include "net/session_registry.hpp"

namespace core {

class WsSession : public RegisteredConnection, public std::enable_shared_from_this<WsSession> {
  public:
    WsSession(boost::beast::tcp_stream&& stream, ServerState& state, SessionRegistry& registry);
    ~WsSession() override;

    // Completes the WebSocket handshake for an upgrade request already read.
    void start(boost::beast::http::request<boost::beast::http::string_body> request);
    // Server shutdown: close with 1001 once the queue drains (any thread).
    void shutdown() override;
    bool busy() const { return mcp_ && mcp_->in_flight() > 0; }

  private:
    struct Outgoing {
        enum class Kind { text, ping, close } kind;
        std::string data;
        boost::beast::websocket::close_reason reason{};
    };

    void on_accept(boost::beast::error_code ec);
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t n);
    void send(std::string frame);
    void enqueue(Outgoing item);
    void do_write();
    void on_write(boost::beast::error_code ec, std::size_t n);
    void arm_ping();
    void on_ping_timer(boost::beast::error_code ec);
    void close_with(boost::beast::websocket::close_code code, std::string reason);
    void finished();

    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
    boost::beast::flat_buffer buffer_;
    ServerState& state_;
    SessionRegistry& registry_;
    std::string peer_;
    std::shared_ptr<McpSession> mcp_;
    std::deque<Outgoing> queue_;
    std::size_t queued_bytes_ = 0;
    bool writing_ = false;
    bool closing_ = false;  // a close frame is queued or sent: nothing else goes out
    bool done_ = false;
    boost::asio::steady_timer ping_timer_;
    std::chrono::steady_clock::time_point last_heard_;
};

}  // namespace core
