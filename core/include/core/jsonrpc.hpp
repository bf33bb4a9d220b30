#pragma once
// JSON-RPC 2.0 codec for MCP: one message per WebSocket text frame. parse_message() sorts a
// frame into request, notification, response (a client's reply to a server request) or
// invalid, with the JSON-RPC error to answer it with; the encoders build the compact frames.
// MCP 2025-06-18 dropped JSON-RPC batches, so an array is an invalid request.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace core {

enum class RpcCode : int {
    parse_error = -32700,
    invalid_request = -32600,
    method_not_found = -32601,
    invalid_params = -32602,
    internal_error = -32603,
    // Implementation-defined server error (JSON-RPC reserves -32000..-32099): a limit of this
    // server was reached; the same request may succeed later.
    server_busy = -32000,
};

struct RpcError {
    // A peer's error response may carry any integer code, not only these five.
    RpcCode code = RpcCode::internal_error;
    std::string message;
    nlohmann::json data = nullptr;  // omitted from the wire when null

    friend bool operator==(const RpcError&, const RpcError&) = default;
};

// A string or an integer; null only in error replies to a message whose id is unusable.
using Id = nlohmann::json;

struct Request {
    Id id;
    std::string method;
    nlohmann::json params = nlohmann::json::object();  // {} when the frame had none
};

struct Notification {
    std::string method;
    nlohmann::json params = nlohmann::json::object();  // {} when the frame had none
};

// The peer's reply to a request the server sent (e.g. ping).
struct Response {
    Id id;                            // null only in an error response
    nlohmann::json result = nullptr;  // meaningful when !error
    std::optional<RpcError> error = {};
};

struct Invalid {
    Id id = nullptr;  // the frame's id when it is a usable string or integer, else null
    RpcError error;   // parse_error or invalid_request, with a message saying what is wrong
};

// Derives from the variant so std::visit, std::get_if and std::holds_alternative apply.
struct Incoming : std::variant<Request, Notification, Response, Invalid> {
    using variant::variant;
};

// Frames nested deeper than this are refused (invalid_request) before parsing, so that no
// later recursive walk (dump, logging) can exhaust the stack.
inline constexpr int max_nesting_depth = 128;

// Never throws (except std::bad_alloc). Absent params become {}; members other than
// jsonrpc, id, method, params, result and error are ignored.
Incoming parse_message(std::string_view frame);

// "null", "a boolean", "an integer", "a non-integer number", "a string", "an object", "an
// array": for messages such as "'id' must be a string or an integer, got a boolean".
std::string describe_type(const nlohmann::json& value);

// Compact frames. Invalid UTF-8 inside strings is replaced by U+FFFD rather than throwing.
std::string result_message(const Id& id, const nlohmann::json& result);
std::string error_message(const Id& id, const RpcError& error);
// `params` is omitted when null.
std::string request_message(const Id& id, std::string_view method, const nlohmann::json& params);
std::string notification_message(std::string_view method, const nlohmann::json& params);

}  // namespace core
