#pragma once
// The fixture of the Streamable HTTP tests: a real mcp-server and mock-ollama (ServerTest),
// JSON-RPC bodies of both revisions, and exchanges over raw sockets (support/http_stream.hpp)
// so that every header and status is seen exactly as sent.
#include <string>
#include <vector>

#include "server_fixture.hpp"
#include "support/http_stream.hpp"

namespace server_test {

using test_support::HttpStream;
using test_support::RawResponse;
using test_support::SseMessage;

// 40 tokens at 40 per second: a generation lasts about a second, so that events that arrive
// one by one are told apart from a body written at the end.
inline const std::vector<std::string> kPacedMock = {"--ttft", "20",       "--tps",
                                                    "40",     "--tokens", "40"};

class StreamableHttpTest : public ServerTest {
  protected:
    // A JSON-RPC request; `id` null: a notification.
    static json rpc(const json& id, const std::string& method, json params = json::object());
    // A 2026-07-28 request: params with `_meta` protocol version and client capabilities.
    static json modern(const json& id, const std::string& method, json params = json::object());
    // The headers 2026-07-28 asks for: MCP-Protocol-Version, Mcp-Method, Mcp-Name (when given).
    static std::vector<std::string> modern_headers(const std::string& method,
                                                   const std::string& name = "");
    static std::vector<std::string> session_headers(const std::string& session_id);

    // One exchange on a new connection.
    RawResponse post(const json& body, const std::vector<std::string>& headers = {});
    RawResponse raw(const std::string& request_bytes);

    // initialize + notifications/initialized; the session id ("" after a test failure).
    std::string open_session(const std::string& version = "2025-11-25");

    // A POST whose answer is an event stream: its head, then each event as it arrives, until
    // the stream ends (bounded by `timeout`).
    struct Streamed {
        RawResponse head;
        std::vector<SseMessage> events;
    };
    Streamed stream(const json& body, const std::vector<std::string>& headers,
                    std::chrono::milliseconds timeout = 10s);
    // The events as fixture Frames (for stream_matches).
    static std::vector<Frame> frames_of(const std::vector<SseMessage>& events);

    // The server still serves both revisions: a new session answers tools/list, and a
    // stateless tools/list is answered too.
    void expect_still_serving();
};

}  // namespace server_test
