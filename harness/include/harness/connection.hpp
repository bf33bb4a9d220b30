#pragma once
// How a run's clients reach the server: the transport (by name), the MCP revision they
// negotiate, and the HTTP headers they send. The names and checks live here so that the
// command line, the scenario loader and the runner accept exactly the same values; the client
// itself (ClientOptions) gets them from the runner.
#include <array>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace harness {

// harness::Transport's values by name, in the enum's order (the runner converts by
// position, and asserts that order).
inline constexpr std::array<std::string_view, 3> kTransportNames = {"ws", "http", "stdio"};
// The position of `name` in kTransportNames; nullopt for any other text.
std::optional<std::size_t> transport_index(std::string_view name);
inline bool is_transport(std::string_view name) {
    return transport_index(name).has_value();
}

// Every revision the harness can negotiate (common/mcp_protocol.hpp), newest first.
bool is_protocol_version(std::string_view version);
std::string protocol_versions_list();  // "2026-07-28, 2025-11-25, …": for messages
// The revision a client negotiates when neither the command line nor the scenario names one.
std::string default_protocol_version();

// The transport a --server-url speaks by its scheme: ws:// is WebSocket, http:// is
// Streamable HTTP; nullopt for anything else.
std::optional<std::string> transport_of_url(std::string_view url);

// "Authorization: Bearer x" → {"Authorization", "Bearer x"} (the value's surrounding blanks
// dropped). Throws std::invalid_argument, naming --header, when there is no colon, the name
// is empty or not an HTTP token, or either side holds a control character (a CR or LF would
// let one header smuggle in others).
std::pair<std::string, std::string> parse_header(std::string_view text);

}  // namespace harness
