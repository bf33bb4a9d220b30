#pragma once
// Bytes on the wire: HTTP/1.1 framing and the Ollama / OpenAI stream formats. Token chunks
// are formatted by hand (not through a JSON DOM) because they are the hot path: one per
// token per stream.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/clock.hpp"

namespace mock_ollama {

// What a response is made of. `progress`: the NDJSON status lines of /api/pull, /api/push and
// /api/create, played on the same clock as tokens (each line is one "token").
enum class ApiKind { generate, chat, openai, openai_completion, progress };
// /v1/chat/completions and /v1/completions: SSE when streaming, OpenAI's error shape.
constexpr bool is_openai(ApiKind kind) {
    return kind == ApiKind::openai || kind == ApiKind::openai_completion;
}

// ---- HTTP/1.1 ----
std::string_view reason_phrase(int status);
struct Header {
    std::string name, value;
};
// Status line and headers; chunked transfer encoding when `content_length` is empty.
std::string http_head(int status, std::string_view content_type,
                      std::optional<std::size_t> content_length,
                      const std::vector<Header>& extra = {}, bool close = false);
std::string http_response(int status, std::string_view content_type, std::string_view body,
                          const std::vector<Header>& extra = {}, bool close = false);
// Ollama's error body: {"error":"..."} with the given status.
std::string http_error(int status, std::string_view message, bool close = false,
                       const std::vector<Header>& extra = {});
// OpenAI's error body for /v1 endpoints.
std::string http_openai_error(int status, std::string_view message, bool close = false,
                              const std::vector<Header>& extra = {});
void append_chunk(std::string& out, std::string_view data);
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

// ---- What a reply carries besides text ----
// One call of a tool by the model; `arguments` is the text of a JSON object.
struct ToolCall {
    std::string id, name, arguments;
};
// The thinking text and the tool calls of a reply given whole (stream: false).
struct ReplyExtras {
    std::string_view thinking;
    const std::vector<ToolCall>* tool_calls = nullptr;
    bool has_calls() const { return tool_calls != nullptr && !tool_calls->empty(); }
};
// Ollama's tool_calls array (arguments as an object), and OpenAI's (arguments as a string,
// with index and type), appended to `out`.
void append_ollama_tool_calls(std::string& out, const std::vector<ToolCall>& calls);
void append_openai_tool_calls(std::string& out, const std::vector<ToolCall>& calls);

// ---- Ollama NDJSON (/api/generate, /api/chat) ----
struct Metrics {
    std::int64_t total_duration = 0, load_duration = 0, prompt_eval_count = 0,
                 prompt_eval_duration = 0, eval_count = 0, eval_duration = 0;
};
std::string ndjson_token(ApiKind kind, std::string_view model, std::string_view created_at,
                         std::string_view token);
// The same line appended to `out`, stamped with `created_at`: the per-token path, which
// allocates nothing once `out` has grown to a line's size.
void append_ndjson_token(std::string& out, ApiKind kind, std::string_view model,
                         common::SystemClock::time_point created_at, std::string_view token);
// A thinking token: `thinking` beside an empty content/response, the per-token path too.
void append_ndjson_thinking(std::string& out, ApiKind kind, std::string_view model,
                            common::SystemClock::time_point created_at, std::string_view token);
// /api/chat's line that carries the model's tool calls (content empty), before the last line.
std::string ndjson_tool_calls(std::string_view model, common::SystemClock::time_point created_at,
                              const std::vector<ToolCall>& calls);
nlohmann::ordered_json final_object(ApiKind kind, std::string_view model,
                                    std::string_view created_at, std::string_view text,
                                    std::string_view done_reason, const Metrics& metrics,
                                    const std::vector<int>* context,
                                    const ReplyExtras& extras = {});
std::string ndjson_error(std::string_view message);
// A line that is not JSON, for the `malformed` fault.
std::string malformed_line(ApiKind kind, std::string_view model);

// ---- OpenAI SSE (/v1/chat/completions; `kind` openai_completion: /v1/completions) ----
std::string sse_token(std::string_view id, std::int64_t created, std::string_view model,
                      std::string_view token, bool first);
// A text_completion chunk: {"text": token, "index": 0, "finish_reason": null}.
std::string sse_text_token(std::string_view id, std::int64_t created, std::string_view model,
                           std::string_view token);
// A reasoning token of /v1/chat/completions: delta {"content":"","reasoning":token}.
std::string sse_reasoning(std::string_view id, std::int64_t created, std::string_view model,
                          std::string_view token, bool first);
// The chunk that carries the tool calls: delta {"content":"","tool_calls":[...]}.
std::string sse_tool_calls(std::string_view id, std::int64_t created, std::string_view model,
                           const std::vector<ToolCall>& calls, bool first);
std::string sse_finish(std::string_view id, std::int64_t created, std::string_view model,
                       std::string_view finish_reason, ApiKind kind = ApiKind::openai);
std::string sse_usage(std::string_view id, std::int64_t created, std::string_view model,
                      std::int64_t prompt_tokens, std::int64_t completion_tokens,
                      ApiKind kind = ApiKind::openai);
std::string sse_error(std::string_view message);
inline constexpr std::string_view kSseDone = "data: [DONE]\n\n";
nlohmann::json openai_completion(std::string_view id, std::int64_t created, std::string_view model,
                                 std::string_view text, std::string_view finish_reason,
                                 std::int64_t prompt_tokens, std::int64_t completion_tokens,
                                 const ReplyExtras& extras = {});
// Ollama's /v1 finish reason: "tool_calls" replaces "stop" when the reply called tools.
std::string_view openai_finish_reason(std::string_view done_reason, bool called_tools);
// /v1/completions without streaming: object "text_completion", choices[0].text.
nlohmann::json openai_text_completion(std::string_view id, std::int64_t created,
                                      std::string_view model, std::string_view text,
                                      std::string_view finish_reason, std::int64_t prompt_tokens,
                                      std::int64_t completion_tokens);

}  // namespace mock_ollama
