#pragma once
// The Streamable HTTP transport's rules for one POST, as pure functions of its headers and
// its parsed body, so that they are unit-tested and fuzzed apart from sockets:
// - which revision serves it: a session of a 2025 revision (Mcp-Session-Id, or initialize),
//   or the stateless 2026-07-28 revision (per-request `_meta`);
// - the 2026-07-28 header checks (MCP-Protocol-Version, Mcp-Method, Mcp-Name must match the
//   body: HeaderMismatch -32020 otherwise);
// - the HTTP status a JSON-RPC error is answered with.
#include <optional>
#include <string>
#include <string_view>

#include "core/jsonrpc.hpp"

namespace core {

enum class PostKind {
    session,    // carries Mcp-Session-Id: served by that session
    open,       // initialize without a session: a new session
    stateless,  // 2026-07-28: served alone, no session
    refused,    // answered with `refusal`
};

struct PostHeaders {
    std::optional<std::string_view> session_id;
    std::optional<std::string_view> protocol_version;
    std::optional<std::string_view> method;  // Mcp-Method
    std::optional<std::string_view> name;    // Mcp-Name
};

struct PostRefusal {
    int status;      // HTTP status
    RpcError error;  // the JSON-RPC error in the body
};

struct PostDecision {
    PostKind kind;
    std::optional<PostRefusal> refusal;  // kind == refused
};

// `in` is the parsed body (an Invalid body is decided by the caller before this).
PostDecision decide_post(const PostHeaders& headers, const Incoming& in);

// The HTTP status of a response whose final message is a JSON-RPC error with `code` (0: a
// result). Stateless: as 2026-07-28 requires (400 for malformed requests and version or header
// errors, 404 for an unknown method); sessions: 200, the error is in the body.
int status_for_error(int code, bool stateless);

// Mcp-Name's value decoded: "=?base64?...?=" is Base64 of the UTF-8 value; anything else is
// the value itself. nullopt: malformed Base64.
std::optional<std::string> decode_header_value(std::string_view value);

}  // namespace core
