#pragma once
// The scenarios the flaw tests run, inline. Durations are at real scale (the run scales them
// by 0.01). Each one passes every check it names against the fake server without a flaw.
#include <string_view>

namespace harness_e2e::scenarios {

// One legacy call (1), then one progress call (2). The mock emits 30 tokens over
// 29 s real (290 ms at the test's scale), so that a stream batched at the end is told from a
// relayed one by its span; the TTFT and lag tolerances are generous (100 ms scaled) because
// the machine may be busy. The span rule allows 10 % of the span: over 58 ms that was 10 ms,
// less than one late first token under ASan on a loaded CI machine (a relay 13 ms behind at
// its first token failed the control run); over 290 ms it is 29 ms, and a stream batched at
// the end (span near 0) still fails.
inline constexpr std::string_view kStream = R"({
  "name": "e2e_stream",
  "checks": ["stream.upstream_streaming", "stream.tokens_delivered", "stream.realtime",
             "stream.order", "stream.final_matches"],
  "mock": {"ttft_ms": 100, "tps": 1, "tokens": 30, "profile": "plain"},
  "ttft_tolerance_ms": 10000,
  "lag_p99_tolerance_ms": 10000,
  "steps": [
    {"op": "initialize"},
    {"op": "generate"},
    {"op": "generate", "patient": "+1", "form": "progress"}
  ]
})";

// Legacy frames of text full of non-ASCII characters (the hostile profile).
inline constexpr std::string_view kHostile = R"({
  "name": "e2e_hostile",
  "checks": ["stream.tokens_delivered", "stream.order", "stream.final_matches"],
  "mock": {"ttft_ms": 100, "tps": 50, "tokens": 60, "profile": "hostile"},
  "steps": [
    {"op": "initialize"},
    {"op": "generate"}
  ]
})";

// A generation saved, then read back.
inline constexpr std::string_view kSave = R"({
  "name": "e2e_save",
  "checks": ["csv.complete_saved", "csv.integrity", "stream.final_matches"],
  "mock": {"ttft_ms": 100, "tps": 50, "tokens": 40},
  "steps": [
    {"op": "initialize"},
    {"op": "generate", "save": true},
    {"op": "get"}
  ]
})";

// The upstream stalls forever after 3 tokens; the server's upstream timeout is 100 s (1 s
// scaled): a tool error then, nothing saved, and the connection still answers ping.
inline constexpr std::string_view kStall = R"({
  "name": "e2e_stall",
  "checks": ["timeout.upstream_stall", "errors.clear", "csv.integrity"],
  "mock": {"ttft_ms": 100, "tps": 50, "tokens": 40},
  "server": {"ollama_timeout": 100},
  "steps": [
    {"op": "initialize"},
    {"op": "generate", "save": true, "fault": "stall:after=3", "expect": "tool_error",
     "expect_text": "sent nothing for"},
    {"op": "ping"}
  ]
})";

// Two clients generating at once (1 and 2), each saving.
inline constexpr std::string_view kConcurrency = R"({
  "name": "e2e_concurrency",
  "checks": ["concurrency.isolation", "csv.complete_saved"],
  "clients": 2,
  "mock": {"ttft_ms": 100, "tps": 1, "tokens": 30, "profile": "plain"},
  "steps": [
    {"op": "initialize"},
    {"op": "generate", "save": true}
  ]
})";

// A tool error (unknown patient) and a protocol error (unknown tool), each followed by a
// ping that the server must still answer.
inline constexpr std::string_view kErrors = R"({
  "name": "e2e_errors",
  "checks": ["errors.clear"],
  "steps": [
    {"op": "initialize"},
    {"op": "get", "patient": "P999", "expect": "tool_error", "expect_text": "P999"},
    {"op": "ping"},
    {"op": "raw", "frame": "{\"jsonrpc\":\"2.0\",\"id\":\"t1\",\"method\":\"tools/call\",\"params\":{\"name\":\"no_such_tool\",\"arguments\":{}}}",
     "expect": "protocol_error", "expect_code": -32602},
    {"op": "ping"}
  ]
})";

// A tool error, a pause (so that a close sent after the error has surely arrived), then a
// ping the server must still answer.
inline constexpr std::string_view kErrorThenPause = R"({
  "name": "e2e_error_then_pause",
  "checks": ["errors.clear"],
  "steps": [
    {"op": "initialize"},
    {"op": "get", "patient": "P999", "expect": "tool_error", "expect_text": "P999"},
    {"op": "wait", "ms": 2000},
    {"op": "ping"}
  ]
})";

}  // namespace harness_e2e::scenarios
