#pragma once
// A synchronous MCP client over WebSocket (Beast) for tests. Every wait is bounded: the
// client runs its own io_context only for as long as the caller allows. One read is kept
// pending whenever the loop runs, so pings are answered (by Beast) while the test waits for
// frames; a client that stops calling recv() stops reading, exactly like a stuck peer.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace test_support {

using Clock = std::chrono::steady_clock;

// One thing the client received: a text frame, or the end of the connection.
struct Frame {
    enum class Kind { message, closed, failed };
    Kind kind = Kind::message;
    std::string text;          // message: the frame's text
    nlohmann::json json;       // message: parsed text (discarded when not JSON)
    Clock::time_point at{};    // arrival
    std::int64_t wall_us = 0;  // arrival, microseconds since the epoch (the mock's t_us clock)
    int close_code = 0;        // closed: the peer's close code
    std::string close_reason;  // closed: the peer's close reason
    std::string error;         // closed/failed: what ended the connection

    bool is_message() const { return kind == Kind::message; }
    // {"type":"stream_token",...}
    bool is_token() const;
    // notifications/progress
    bool is_progress() const;
    // A JSON-RPC response (result or error) carrying `id`.
    bool is_response_to(const nlohmann::json& id) const;
    // One line for assertion messages.
    std::string describe() const;
};

struct CallResult {
    bool ok = false;            // a response with the id arrived in time
    std::string failure;        // why not
    Frame response;             // the response frame
    std::vector<Frame> frames;  // everything else received while waiting, in order

    const nlohmann::json& json() const { return response.json; }
    bool has_result() const;
    nlohmann::json result() const;  // response "result" (null when absent)
    nlohmann::json error() const;   // response "error" (null when absent)
    // tools/call: result.isError and the first content item's text.
    bool is_tool_error() const;
    std::string text() const;
    std::string describe() const;  // response and counts, for assertion messages
};

// Responses to several calls in flight at once, whatever their order.
struct Responses {
    bool ok = false;                     // every id got its response in time
    std::string failure;                 // why not
    std::map<std::string, Frame> by_id;  // responses, by id as JSON text
    std::vector<Frame> others;           // every other frame, in arrival order
};

struct ConnectOptions {
    std::optional<std::string> subprotocol = std::nullopt;  // offered in Sec-WebSocket-Protocol
    int receive_buffer = 0;  // SO_RCVBUF set before connecting; 0 = the system's default
    std::chrono::milliseconds timeout{5000};  // TCP connect + WebSocket handshake
};

class McpClient {
  public:
    // Connects to ws://HOST:PORT/PATH. Throws std::runtime_error when the connection or the
    // handshake fails or takes longer than the timeout.
    explicit McpClient(const std::string& url, ConnectOptions options = {});
    ~McpClient();
    McpClient(const McpClient&) = delete;
    McpClient& operator=(const McpClient&) = delete;

    // The client's own port (the server logs peers as 127.0.0.1:PORT).
    unsigned short local_port() const;
    // The subprotocol the server selected ("" when none).
    const std::string& subprotocol() const;

    // Sends one text frame. False (with last_error()) when the write failed or took longer
    // than `timeout` (the connection is then aborted).
    bool send_text(const std::string& text,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5));
    bool send(const nlohmann::json& message,
              std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        return send_text(message.dump(), timeout);
    }
    // Sends one binary frame (MCP has none: for tests of what the server does with one).
    bool send_binary(const std::string& bytes,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));
    const std::string& last_error() const;

    // The next frame, waiting at most `timeout`. After the connection ended, one closed/failed
    // frame is returned, then nullopt.
    std::optional<Frame> recv(std::chrono::milliseconds timeout);
    // Frames until the connection ends or `timeout` passes (the end frame included).
    std::vector<Frame> drain(std::chrono::milliseconds timeout);
    // True until the connection ended (as far as this client has seen).
    bool is_open() const;
    // Ping frames from the server seen so far (Beast answers them while a read is pending).
    std::size_t pings_received() const;

    // JSON-RPC. Ids are 1, 2, 3... unless given.
    nlohmann::json next_id();
    CallResult call(const std::string& method, const nlohmann::json& params = nullptr,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));
    CallResult call_with_id(const nlohmann::json& id, const std::string& method,
                            const nlohmann::json& params,
                            std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Sends the request only (several may be in flight).
    bool start_call(const nlohmann::json& id, const std::string& method,
                    const nlohmann::json& params);
    // Receives until the response to `id` arrives; other frames land in CallResult::frames.
    CallResult await_response(const nlohmann::json& id, std::chrono::milliseconds timeout);
    // Receives until each of `ids` got its response (in any order).
    Responses await_responses(const std::vector<nlohmann::json>& ids,
                              std::chrono::milliseconds timeout);
    bool notify(const std::string& method, const nlohmann::json& params = nullptr);

    // initialize + notifications/initialized.
    CallResult initialize(const std::string& protocol_version = "2025-11-25");
    // tools/call; `progress_token` goes to params._meta.progressToken when given.
    CallResult tool(const std::string& name, const nlohmann::json& arguments,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10),
                    const std::optional<nlohmann::json>& progress_token = std::nullopt);
    static nlohmann::json tool_params(
        const std::string& name, const nlohmann::json& arguments,
        const std::optional<nlohmann::json>& progress_token = std::nullopt);

    // Sends a close frame and waits (bounded) for the server's; then the connection is gone.
    void close(std::chrono::milliseconds timeout = std::chrono::seconds(2));
    // Drops the TCP connection without a close frame.
    void abort();

  private:
    bool send_frame(const std::string& data, bool as_text, std::chrono::milliseconds timeout);

    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::int64_t next_id_ = 1;
};

}  // namespace test_support
