#pragma once
// The texts the HTTP transport writes: what an HTTP error status says to a harness user, and
// header values made safe as the 2026-07-28 revision asks (Base64 sentinel).
#include <cstddef>
#include <string>
#include <string_view>

namespace harness {

// How much of an error answer's body is kept to quote it.
inline constexpr std::size_t kErrorBodyBytes = 4096;

// "HTTP 404 Not Found: <why>": a JSON-RPC error body as its code and message, any other body
// as its text (trimmed, control characters replaced), nothing when there is none.
std::string describe_http_error(unsigned status, std::string_view reason, std::string_view body);

// An answer body that is a JSON-RPC message (an object naming "jsonrpc"), not an HTTP error
// page: cheap, the router parses it properly.
bool looks_like_json_rpc(std::string_view body);

// The value as is when it is plain visible ASCII without surrounding spaces and does not look
// like the sentinel itself, else
// "=?base64?<Base64 of its bytes>?=".
std::string header_value(std::string_view value);

}  // namespace harness
