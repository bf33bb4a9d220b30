#pragma once
// Rules for HTTP header values that both servers apply to their guarded endpoints (mcp-server's
// HTTP and WebSocket transport, mock-ollama's admin API): which hosts and origins are this
// machine, the bearer token of an Authorization header and how it is compared, which
// Content-Types are JSON. One place, so that the two guards cannot drift apart.
#include <optional>
#include <string>
#include <string_view>

namespace common::http {

std::string ascii_lower(std::string_view s);
// Without the spaces and tabs around it (HTTP's optional white space).
std::string_view trim_ows(std::string_view s);
bool iequals(std::string_view a, std::string_view b);

// "localhost" (any case), "127.x.y.z" and "[::1]", each with or without ":port".
bool is_loopback_host(std::string_view host_port);
// "http://" or "https://" and a loopback host, nothing more (no path, no user info).
bool is_loopback_origin(std::string_view origin);
// The token of "Bearer TOKEN" (scheme in any case), or nullopt for another scheme or none.
std::optional<std::string_view> bearer_token(std::string_view authorization);
// Equal bytes and length; the time does not depend on where the strings first differ.
bool constant_time_equal(std::string_view given, std::string_view expected);
// application/json in any case, with optional parameters ("; charset=utf-8").
bool is_json_content_type(std::string_view value);

}  // namespace common::http
