#pragma once
// What one incoming WebSocket text frame from an MCP server is, decided without building a
// JSON DOM for the frames that matter most: a streaming server sends one frame per token, and
// the client must keep up with hundreds of thousands of them per second on a shared core.
// Token frames of either form are read by a small scanner; responses, other notifications and
// anything the scanner does not accept are parsed by nlohmann::json.
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace harness {

enum class FrameKind {
    legacy_token,    // {"type":"stream_token","token","position","id"} (the tutorial's frame)
    progress_token,  // notifications/progress with a progressToken
    response,        // JSON-RPC response: "id" with "result" or "error"
    notification,    // any other JSON-RPC notification
    server_request,  // a JSON-RPC request from the server ("method" and "id")
    invalid,         // not JSON, or JSON that is none of the above
};

std::string_view to_string(FrameKind kind);

struct Frame {
    FrameKind kind = FrameKind::invalid;
    // legacy_token: the "id" member as JSON text ("" when absent); progress_token: the
    // progressToken as JSON text; response and server_request: the "id" as JSON text.
    std::string route;
    std::string text;            // token text: legacy "token" or progress "message"
    std::int64_t position = -1;  // legacy frames: code points of the text so far
    double progress = -1;        // progress notifications: "progress"
    std::string method;          // notification, server_request
    nlohmann::json message;      // response, notification, server_request: the whole message
    std::string error;           // invalid: why
};

// Classifies and decodes one frame. Never throws.
Frame parse_frame(std::string_view text);

// An invalid frame saying why (a frame the client makes itself, e.g. for a failed send).
Frame invalid_frame(std::string why);

// The canonical JSON text of an id or progress token, as `route` carries it: compact, the
// form nlohmann::json::dump() gives (servers echo ids in compact form).
std::string route_key(const nlohmann::json& id);

}  // namespace harness
