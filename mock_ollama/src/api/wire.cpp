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

nlohmann::ordered_json final_object(ApiKind kind, std::string_view model,
                                    std::string_view created_at, std::string_view text,
                                    std::string_view done_reason, const Metrics& m,
                                    const std::vector<int>* context) {
    // ordered_json keeps Ollama's field order, which snapshot-style client tests compare.
    nlohmann::ordered_json j;
    j["model"] = model;
    j["created_at"] = created_at;
    if (kind == ApiKind::chat) {
        j["message"] = {{"role", "assistant"}, {"content", text}};
    } else {
        j["response"] = text;
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
}  // namespace

std::string sse_token(std::string_view id, std::int64_t created, std::string_view model,
                      std::string_view token, bool first) {
    std::string s = sse_head(id, created, model);
    s += first ? "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":"
               : "{\"index\":0,\"delta\":{\"content\":";
    append_json_string(s, token);
    s += "},\"finish_reason\":null}]}\n\n";
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
                       std::int64_t prompt_tokens, std::int64_t completion_tokens) {
    return {{"id", id},
            {"object", "chat.completion"},
            {"created", created},
            {"model", model},
            {"system_fingerprint", "fp_ollama"},
            {"choices", json::array({{{"index", 0},
                                      {"message", {{"role", "assistant"}, {"content", text}}},
                                      {"finish_reason", finish_reason}}})},
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
