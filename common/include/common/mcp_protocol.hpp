#pragma once
// The MCP protocol revisions this project speaks, and the names the 2026-07-28 revision gives
// to per-request metadata and HTTP headers. The server, the harness and the tests read them
// here, so that a revision is added in one place.
#include <array>
#include <string_view>

namespace common::mcp {

// The stateless revision: no initialize, no session; every request carries its version and
// the client's capabilities in `_meta`.
inline constexpr std::string_view kStatelessVersion = "2026-07-28";
// The revisions that open with `initialize`, newest first: a client asking for another one is
// answered with the first.
inline constexpr std::array<std::string_view, 4> kSessionVersions = {"2025-11-25", "2025-06-18",
                                                                     "2025-03-26", "2024-11-05"};
// Every revision, newest first: what UnsupportedProtocolVersion errors and server/discover
// list.
inline constexpr std::array<std::string_view, 5> kAllVersions = {
    kStatelessVersion, "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

inline bool is_session_version(std::string_view v) {
    for (auto s : kSessionVersions) {
        if (s == v) return true;
    }
    return false;
}

// `_meta` keys of the stateless revision.
inline constexpr std::string_view kMetaProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view kMetaClientCapabilities =
    "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view kMetaClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view kMetaServerInfo = "io.modelcontextprotocol/serverInfo";

// JSON-RPC error codes of the stateless revision (the -32020..-32099 range it reserves).
inline constexpr int kHeaderMismatch = -32020;
inline constexpr int kMissingRequiredClientCapability = -32021;
inline constexpr int kUnsupportedProtocolVersion = -32022;

// Streamable HTTP header names (compared case-insensitively on the wire).
inline constexpr std::string_view kHeaderSessionId = "Mcp-Session-Id";
inline constexpr std::string_view kHeaderProtocolVersion = "MCP-Protocol-Version";
inline constexpr std::string_view kHeaderMethod = "Mcp-Method";
inline constexpr std::string_view kHeaderName = "Mcp-Name";

}  // namespace common::mcp
