#include "mock_ollama/wire.hpp"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "api/safe_text.hpp"
#include "common/json_text.hpp"

namespace mock_ollama {

using common::append_json_string;
using nlohmann::json;

std::string_view reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "Status";
    }
}

namespace {
std::string http_date() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    const auto n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buf, n);
}
}  // namespace

std::string http_head(int status, std::string_view content_type,
                      std::optional<std::size_t> content_length, const std::vector<Header>& extra,
                      bool close) {
    std::string h;
    h.reserve(192);
    h += "HTTP/1.1 ";
    h += std::to_string(status);
    h += ' ';
    h += reason_phrase(status);
    h += "\r\nContent-Type: ";
    h += content_type;
    h += "\r\nDate: ";
    h += http_date();
    if (content_length) {
        h += "\r\nContent-Length: ";
        h += std::to_string(*content_length);
    } else {
        h += "\r\nTransfer-Encoding: chunked";
    }
    for (const auto& x : extra) {
        h += "\r\n";
        h += x.name;
        h += ": ";
        h += x.value;
    }
    if (close) h += "\r\nConnection: close";
    h += "\r\n\r\n";
    return h;
}

std::string http_response(int status, std::string_view content_type, std::string_view body,
                          const std::vector<Header>& extra, bool close) {
    std::string r = http_head(status, content_type, body.size(), extra, close);
    r += body;
    return r;
}

// Error texts quote client bytes (a header value, a fault message): they are escaped so that
// the reply is valid UTF-8 JSON whatever was sent.
std::string http_error(int status, std::string_view message, bool close,
                       const std::vector<Header>& extra) {
    return http_response(status, "application/json; charset=utf-8",
                         dump_json(json{{"error", escape_invalid_utf8(message)}}), extra, close);
}

namespace {
// Ollama's openai.NewError: 404 is "not_found_error", other client errors
// "invalid_request_error".
std::string_view openai_error_type(int status) {
    if (status == 404) return "not_found_error";
    return status >= 500 ? "api_error" : "invalid_request_error";
}
}  // namespace

std::string http_openai_error(int status, std::string_view message, bool close,
                              const std::vector<Header>& extra) {
    const json body = {{"error",
                        {{"message", escape_invalid_utf8(message)},
                         {"type", openai_error_type(status)},
                         {"param", nullptr},
                         {"code", nullptr}}}};
    return http_response(status, "application/json", dump_json(body), extra, close);
}

void append_chunk(std::string& out, std::string_view data) {
    // The size in lowercase hex without leading zeros, as Go's net/http writes it.
    char size[2 * sizeof(std::size_t) + 2];
    char* p = size + sizeof size;
    *--p = '\n';
    *--p = '\r';
    std::size_t n = data.size();
    do {
        *--p = "0123456789abcdef"[n & 0xf];
        n >>= 4;
    } while (n != 0);
    out.append(p, static_cast<std::size_t>(size + sizeof size - p));
    out += data;
    out += "\r\n";
}

namespace {
// One token line; `stamp` appends the created_at text.
template <class Stamp>
void append_token_line(std::string& s, ApiKind kind, std::string_view model, Stamp&& stamp,
                       std::string_view token) {
    s += "{\"model\":";
    append_json_string(s, model);
    s += ",\"created_at\":\"";
    stamp(s);
    if (kind == ApiKind::chat) {
        s += "\",\"message\":{\"role\":\"assistant\",\"content\":";
        append_json_string(s, token);
        s += "},\"done\":false}\n";
    } else {
        s += "\",\"response\":";
        append_json_string(s, token);
        s += ",\"done\":false}\n";
    }
}
}  // namespace

std::string ndjson_token(ApiKind kind, std::string_view model, std::string_view created_at,
                         std::string_view token) {
    std::string s;
    s.reserve(96 + model.size() + token.size());
    append_token_line(
        s, kind, model, [created_at](std::string& out) { out += created_at; }, token);
    return s;
}

void append_ndjson_token(std::string& out, ApiKind kind, std::string_view model,
                         common::SystemClock::time_point created_at, std::string_view token) {
    append_token_line(
        out, kind, model,
        [created_at](std::string& o) { common::append_rfc3339_nanos(o, created_at); }, token);
}

void append_ollama_tool_calls(std::string& out, const std::vector<ToolCall>& calls) {
    out += '[';
    for (std::size_t i = 0; i < calls.size(); ++i) {
        if (i > 0) out += ',';
        out += "{\"id\":";
        append_json_string(out, calls[i].id);
        out += ",\"function\":{\"index\":" + std::to_string(i) + ",\"name\":";
        append_json_string(out, calls[i].name);
        out += ",\"arguments\":";
        out += calls[i].arguments;  // a JSON object already
        out += "}}";
    }
    out += ']';
}

void append_openai_tool_calls(std::string& out, const std::vector<ToolCall>& calls) {
    out += '[';
    for (std::size_t i = 0; i < calls.size(); ++i) {
        if (i > 0) out += ',';
        out += "{\"id\":";
        append_json_string(out, calls[i].id);
        out += ",\"index\":" + std::to_string(i) + ",\"type\":\"function\",\"function\":{\"name\":";
        append_json_string(out, calls[i].name);
        out += ",\"arguments\":";
        append_json_string(out, calls[i].arguments);  // OpenAI sends them as a string
        out += "}}";
    }
    out += ']';
}

void append_ndjson_thinking(std::string& s, ApiKind kind, std::string_view model,
                            common::SystemClock::time_point created_at, std::string_view token) {
    s += "{\"model\":";
    append_json_string(s, model);
    s += ",\"created_at\":\"";
    common::append_rfc3339_nanos(s, created_at);
    s += kind == ApiKind::chat
             ? "\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"thinking\":"
             : "\",\"response\":\"\",\"thinking\":";
    append_json_string(s, token);
    s += kind == ApiKind::chat ? "},\"done\":false}\n" : ",\"done\":false}\n";
}

std::string ndjson_tool_calls(std::string_view model, common::SystemClock::time_point created_at,
                              const std::vector<ToolCall>& calls) {
    std::string s = "{\"model\":";
    append_json_string(s, model);
    s += ",\"created_at\":\"";
    common::append_rfc3339_nanos(s, created_at);
    s += "\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":";
    append_ollama_tool_calls(s, calls);
    s += "},\"done\":false}\n";
    return s;
}

namespace {
// The calls as Ollama's final object holds them, arguments in their own key order.
nlohmann::ordered_json ollama_tool_calls_json(const std::vector<ToolCall>& calls) {
    std::string text;
    append_ollama_tool_calls(text, calls);
    return nlohmann::ordered_json::parse(text);
}
}  // namespace

nlohmann::ordered_json final_object(ApiKind kind, std::string_view model,
                                    std::string_view created_at, std::string_view text,
                                    std::string_view done_reason, const Metrics& m,
                                    const std::vector<int>* context, const ReplyExtras& extras) {
    // ordered_json keeps Ollama's field order, which snapshot-style client tests compare.
    nlohmann::ordered_json j;
    j["model"] = model;
    j["created_at"] = created_at;
    if (kind == ApiKind::chat) {
        j["message"] = {{"role", "assistant"}, {"content", text}};
        // omitempty in Ollama's Message, as in the streamed lines.
        if (!extras.thinking.empty()) j["message"]["thinking"] = extras.thinking;
        if (extras.has_calls())
            j["message"]["tool_calls"] = ollama_tool_calls_json(*extras.tool_calls);
    } else {
        j["response"] = text;
        if (!extras.thinking.empty()) j["thinking"] = extras.thinking;
    }
    j["done"] = true;
    j["done_reason"] = done_reason;
    if (context) j["context"] = *context;
    j["total_duration"] = m.total_duration;
    j["load_duration"] = m.load_duration;
    j["prompt_eval_count"] = m.prompt_eval_count;
    j["prompt_eval_duration"] = m.prompt_eval_duration;
    j["eval_count"] = m.eval_count;
    j["eval_duration"] = m.eval_duration;
    return j;
}

std::string ndjson_error(std::string_view message) {
    return dump_json(json{{"error", escape_invalid_utf8(message)}}) + "\n";
}

std::string malformed_line(ApiKind kind, std::string_view model) {
    std::string s = "{\"model\":";
    append_json_string(s, model);
    s += kind == ApiKind::chat ? ",\"message\":{\"role\":\"assistant\",\"content\":\"trunc"
                               : ",\"response\":\"trunc";
    s += "\n";
    return s;
}

namespace {
std::string sse_head(std::string_view id, std::int64_t created, std::string_view model,
                     ApiKind kind = ApiKind::openai) {
    std::string s = "data: {\"id\":";
    append_json_string(s, id);
    s += kind == ApiKind::openai_completion ? ",\"object\":\"text_completion\",\"created\":"
                                            : ",\"object\":\"chat.completion.chunk\",\"created\":";
    s += std::to_string(created);
    s += ",\"model\":";
    append_json_string(s, model);
    s += ",\"system_fingerprint\":\"fp_ollama\",\"choices\":[";
    return s;
}

// A chat.completion.chunk up to the value of its delta's last field: `fields` is that field's
// key (and any empty fields before it); the role comes first in a stream's first chunk.
std::string open_delta(std::string_view id, std::int64_t created, std::string_view model,
                       bool first, std::string_view fields) {
    std::string s = sse_head(id, created, model);
    s += first ? "{\"index\":0,\"delta\":{\"role\":\"assistant\"," : "{\"index\":0,\"delta\":{";
    s += fields;
    return s;
}
constexpr std::string_view kCloseDelta = "},\"finish_reason\":null}]}\n\n";
}  // namespace

std::string sse_token(std::string_view id, std::int64_t created, std::string_view model,
                      std::string_view token, bool first) {
    std::string s = open_delta(id, created, model, first, "\"content\":");
    append_json_string(s, token);
    s += kCloseDelta;
    return s;
}

std::string sse_text_token(std::string_view id, std::int64_t created, std::string_view model,
                           std::string_view token) {
    std::string s = sse_head(id, created, model, ApiKind::openai_completion);
    s += "{\"text\":";
    append_json_string(s, token);
    s += ",\"index\":0,\"finish_reason\":null}]}\n\n";
    return s;
}

std::string sse_reasoning(std::string_view id, std::int64_t created, std::string_view model,
                          std::string_view token, bool first) {
    std::string s = open_delta(id, created, model, first, "\"content\":\"\",\"reasoning\":");
    append_json_string(s, token);
    s += kCloseDelta;
    return s;
}

std::string sse_tool_calls(std::string_view id, std::int64_t created, std::string_view model,
                           const std::vector<ToolCall>& calls, bool first) {
    std::string s = open_delta(id, created, model, first, "\"content\":\"\",\"tool_calls\":");
    append_openai_tool_calls(s, calls);
    s += kCloseDelta;
    return s;
}

std::string_view openai_finish_reason(std::string_view done_reason, bool called_tools) {
    if (done_reason == "length") return "length";
    return called_tools ? "tool_calls" : "stop";
}

std::string sse_finish(std::string_view id, std::int64_t created, std::string_view model,
                       std::string_view finish_reason, ApiKind kind) {
    std::string s = sse_head(id, created, model, kind);
    s += kind == ApiKind::openai_completion ? "{\"text\":\"\",\"index\":0,\"finish_reason\":"
                                            : "{\"index\":0,\"delta\":{},\"finish_reason\":";
    append_json_string(s, finish_reason);
    s += "}]}\n\n";
    return s;
}

std::string sse_usage(std::string_view id, std::int64_t created, std::string_view model,
                      std::int64_t prompt_tokens, std::int64_t completion_tokens, ApiKind kind) {
    std::string s = sse_head(id, created, model, kind);
    s += "],\"usage\":{\"prompt_tokens\":" + std::to_string(prompt_tokens) +
         ",\"completion_tokens\":" + std::to_string(completion_tokens) +
         ",\"total_tokens\":" + std::to_string(prompt_tokens + completion_tokens) + "}}\n\n";
    return s;
}

std::string sse_error(std::string_view message) {
    const json body = {{"error",
                        {{"message", escape_invalid_utf8(message)},
                         {"type", "api_error"},
                         {"param", nullptr},
                         {"code", nullptr}}}};
    return "data: " + dump_json(body) + "\n\n";
}

namespace {
json usage_json(std::int64_t prompt_tokens, std::int64_t completion_tokens) {
    return {{"prompt_tokens", prompt_tokens},
            {"completion_tokens", completion_tokens},
            {"total_tokens", prompt_tokens + completion_tokens}};
}
}  // namespace

json openai_completion(std::string_view id, std::int64_t created, std::string_view model,
                       std::string_view text, std::string_view finish_reason,
                       std::int64_t prompt_tokens, std::int64_t completion_tokens,
                       const ReplyExtras& extras) {
    json message = {{"role", "assistant"}, {"content", text}};
    if (!extras.thinking.empty()) message["reasoning"] = extras.thinking;
    if (extras.has_calls()) {
        std::string calls;
        append_openai_tool_calls(calls, *extras.tool_calls);
        message["tool_calls"] = json::parse(calls);
    }
    return {
        {"id", id},
        {"object", "chat.completion"},
        {"created", created},
        {"model", model},
        {"system_fingerprint", "fp_ollama"},
        {"choices",
         json::array(
             {{{"index", 0}, {"message", std::move(message)}, {"finish_reason", finish_reason}}})},
        {"usage", usage_json(prompt_tokens, completion_tokens)}};
}

json openai_text_completion(std::string_view id, std::int64_t created, std::string_view model,
                            std::string_view text, std::string_view finish_reason,
                            std::int64_t prompt_tokens, std::int64_t completion_tokens) {
    return {{"id", id},
            {"object", "text_completion"},
            {"created", created},
            {"model", model},
            {"system_fingerprint", "fp_ollama"},
            {"choices",
             json::array({{{"text", text}, {"index", 0}, {"finish_reason", finish_reason}}})},
            {"usage", usage_json(prompt_tokens, completion_tokens)}};
}

}  // namespace mock_ollama
