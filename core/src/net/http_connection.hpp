#pragma once
// One HTTP connection to mcp-server, kept alive across requests: reads each request (bounded
// in size and time), checks it (net/http_guard.hpp), and routes it:
// - a WebSocket upgrade at /mcp becomes a WsSession, which takes the socket;
// - POST /mcp is Streamable HTTP: the message goes to its session (2025 revisions) or is
//   served alone (2026-07-28); the answer is one application/json response, or a
//   text/event-stream of the request's progress notifications (one event per token, written
//   at once) ending with its response;
// - DELETE /mcp ends a session; GET /mcp is 405 (no server-initiated stream is offered);
// - GET /metrics is the Prometheus text of the server's counters.
// While an answer is awaited the socket is watched, so that a client that goes away cancels
// its call at once (not 120 s later). Outgoing bytes are bounded like a WebSocket client's:
// a reader that falls further behind than queue_limit is dropped and its call cancelled.
// Everything runs on the connection's strand.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "core/server_state.hpp"
#include "net/http_guard.hpp"
#include "net/http_session.hpp"
#include "net/session_registry.hpp"

namespace core {

struct HttpContext {
    ServerState& state;
    SessionRegistry& registry;
    HttpSessions& sessions;
    const HttpGuard& guard;
};

class HttpConnection : public ResponseSink,
                       public RegisteredConnection,
                       public std::enable_shared_from_this<HttpConnection> {
  public:
    HttpConnection(boost::asio::ip::tcp::socket&& socket, HttpContext context);
    ~HttpConnection() override;

    void start();
    void deliver(std::string frame, const Route& route) override;  // any thread
    void end_unanswered() override;                                // any thread
    void shutdown() override;                                      // any thread

  private:
    using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

    void read_request();
    void on_read(boost::beast::error_code ec, std::size_t);
    void route(HttpRequest req);
    void on_post(const HttpRequest& req);
    void on_delete(const HttpRequest& req);
    void begin_exchange(const Id& id);
    void on_deliver(std::string frame, const Route& route);
    void start_stream();
    // The exchange's answer is complete: what follows is the next request (or the close).
    void end_exchange();

    // A whole response (status line, headers, body) and what follows it.
    void respond(int status, std::string body, std::string_view content_type,
                 std::string extra_headers = {});
    void refuse_rpc(int status, const nlohmann::json& id, const RpcError& error);
    void write_out();
    void on_written(boost::beast::error_code ec, std::size_t n);
    void watch_peer();
    void on_peer_readable(boost::beast::error_code ec);
    void arm_keepalive();
    void lost(std::string_view why);
    void close_now();

    boost::beast::tcp_stream stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    HttpContext ctx_;
    std::string peer_;
    std::size_t requests_read_ = 0;
    bool keep_alive_ = true;
    bool closing_ = false;  // shutdown asked: close after the answer in flight
    bool done_ = false;
    bool registered_ = false;

    // The exchange in progress: a POST waiting for its answer.
    bool waiting_ = false;
    bool streaming_ = false;  // the SSE head is out: every further message is an event
    bool stateless_ = false;
    std::string call_key_;                  // its request id, JSON text
    std::shared_ptr<HttpSession> session_;  // the session that serves it (2025)
    std::shared_ptr<McpSession> alone_;     // or the McpSession that serves it alone (2026)
    std::string new_session_id_;            // initialize: the id to announce
    bool watching_ = false;

    // Output: bytes not yet handed to the socket, and those being written now.
    std::string pending_;
    std::string writing_buf_;
    bool writing_ = false;
    bool end_after_write_ = false;  // the response is complete once pending_ is written
    boost::asio::steady_timer keepalive_;
    std::chrono::steady_clock::time_point last_event_{};
};

}  // namespace core
