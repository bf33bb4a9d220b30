#pragma once
// Fault injection: what a request asks the mock to do wrong. Chosen per request by the
// `X-Mock-Fault` header, by `options.mock_fault`, or by a run-time rule (POST /_mock/config).
// Syntax: `name` or `name:key=value,key=value`, e.g. `stall:after=5,ms=2000`.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace mock_ollama {

enum class FaultKind {
    none,
    http_status,     // status with Ollama's error body before any byte of a stream
    slow_headers,    // delay before the status line
    stall,           // stop emitting after N tokens, for a while or forever
    reset,           // TCP reset after N tokens
    close,           // clean close after N tokens, no final chunk
    cut,             // close after N body bytes, mid-line
    malformed_line,  // a line that is not JSON after N tokens, then carry on
    error_line,      // an {"error": ...} line after N tokens, then end the stream (status 200)
    empty,           // 200 with an empty body
    garbage,         // bytes that are not HTTP, then close
};

struct Fault {
    FaultKind kind = FaultKind::none;
    int status = 500;                                  // http_status
    int retry_after_s = 1;                             // http_status 429
    std::size_t after = 0;                             // tokens before the fault strikes
    std::size_t bytes = 0;                             // cut
    std::optional<std::chrono::nanoseconds> duration;  // stall (none = forever), slow_headers
    std::string message;                               // error body / error line text
    std::string spec;  // the text it was parsed from, for logs and stats

    bool active() const { return kind != FaultKind::none; }
};

// The fault names, in the order they are listed in errors and help.
std::string_view valid_fault_names();
std::string_view to_string(FaultKind kind);
inline constexpr std::size_t kFaultKinds = static_cast<std::size_t>(FaultKind::garbage) + 1;

// Parses a fault spec; on error returns a message naming what is wrong and, for an unknown
// name, listing the valid ones.
std::variant<Fault, std::string> parse_fault(std::string_view spec);

}  // namespace mock_ollama
