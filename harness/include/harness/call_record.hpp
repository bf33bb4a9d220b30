#pragma once
// What the client saw of one JSON-RPC call: when it was sent, each streamed token with its
// arrival time, and the final response. Steady time (µs since an arbitrary origin, this
// process only) for durations; wall time (µs since the epoch) to compare with other
// processes' clocks, such as the mock's per-token emission stamps.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace harness {

enum class StreamForm { none, legacy, progress };

struct TokenArrival {
    std::int64_t steady_us = 0;
    std::int64_t wall_us = 0;
    std::string text;
    std::int64_t position = -1;  // legacy frames: code points so far (-1: not sent)
    double progress = -1;        // progress notifications: "progress" (-1: not sent)
    StreamForm form = StreamForm::none;
};

// The start of CallRecord::error when the call's own deadline passed without a response.
inline constexpr std::string_view kNoResponseWithin = "no response within ";

struct CallRecord {
    std::string id;                     // the request id as JSON text
    std::string method;                 // "tools/call", ...
    std::string progress_token;         // JSON text; empty when the call asked for legacy frames
    std::int64_t queued_steady_us = 0;  // request() was called
    std::int64_t sent_steady_us = 0;    // the frame was handed to the socket
    std::int64_t sent_wall_us = 0;
    std::vector<TokenArrival> tokens;        // empty when the call did not keep them
    std::uint64_t token_count = 0;           // tokens received, kept or not
    std::int64_t first_token_steady_us = 0;  // 0: none (kept even when tokens are not)
    std::int64_t last_token_steady_us = 0;
    std::int64_t response_steady_us = 0;  // 0: no response
    std::int64_t response_wall_us = 0;
    nlohmann::json response;            // the whole JSON-RPC response message
    std::string error;                  // transport failure or timeout; empty when a response came
    std::int64_t failed_steady_us = 0;  // when `error` was set

    bool responded() const { return response_steady_us != 0; }
    // A response with a "result" that is not a tool error (isError).
    bool ok() const;
    // JSON-RPC "error" member, or the tool result's text when isError, or the transport error.
    std::string failure() const;
    // The concatenated "text" items of result.content ("" when none).
    std::string result_text() const;
    // Token texts concatenated, in arrival order.
    std::string streamed_text() const;
};

}  // namespace harness
