// read_format_request and structured_tokens: `format` / `response_format` in, JSON text out.
#include "api/format_request.hpp"

#include <algorithm>
#include <cctype>
#include <variant>

#include "api/request_json.hpp"
#include "model/schema_value.hpp"

namespace mock_ollama {

using nlohmann::json;

namespace {

// Ollama's runner refuses any other format with this text (llm/llama_server.go, a Go %q of
// the raw value).
std::string invalid_format(const json& v) {
    return "invalid format: " + json(v.dump()).dump() +
           "; expected \"json\" or a valid JSON Schema object";
}

// /api/generate, /api/chat: absent, null or "" is none; "json"; or a schema object.
std::optional<std::string> read_ollama_format(const json& body, FormatRequest& out) {
    if (!body.contains("format")) return std::nullopt;
    const json& f = body["format"];
    if (f.is_null() || f == "") return std::nullopt;
    if (f == "json") {
        out.kind = FormatRequest::Kind::json;
        return std::nullopt;
    }
    if (!f.is_object()) return invalid_format(f);
    out.kind = FormatRequest::Kind::schema;
    out.schema = f;
    return std::nullopt;
}

std::string missing(std::string_view param) {
    return "Missing required parameter: '" + std::string(param) + "'.";
}

// /v1/chat/completions: {"type":"text"}, {"type":"json_object"}, or {"type":"json_schema",
// "json_schema":{"name":..,"schema":{..},"strict":..}}. The type is read as Ollama reads it
// (trimmed, any case); what Ollama would silently ignore (an unknown type, no json_schema) is
// a 400 here, with OpenAI's texts.
std::optional<std::string> read_response_format(const json& body, FormatRequest& out) {
    if (!body.contains("response_format") || body["response_format"].is_null()) {
        return std::nullopt;
    }
    const json& rf = body["response_format"];
    // Type errors name the innermost Go struct and the field's whole path, as encoding/json.
    if (!rf.is_object()) {
        return type_error("ChatCompletionRequest", "response_format", rf, "openai.ResponseFormat");
    }
    if (!rf.contains("type") || rf["type"].is_null()) return missing("response_format.type");
    if (!rf["type"].is_string()) {
        return type_error("ResponseFormat", "response_format.type", rf["type"], "string");
    }
    const auto& spelled = rf["type"].get_ref<const std::string&>();
    std::string type = spelled;
    type.erase(0, type.find_first_not_of(" \t\r\n"));
    type.erase(type.find_last_not_of(" \t\r\n") + 1);
    std::transform(type.begin(), type.end(), type.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (type == "text") return std::nullopt;
    if (type == "json_object") {
        out.kind = FormatRequest::Kind::json;
        return std::nullopt;
    }
    if (type != "json_schema") {
        return "Invalid value: " + json(spelled).dump() +
               ". Supported values are: 'text', 'json_object', and 'json_schema'.";
    }
    if (!rf.contains("json_schema") || rf["json_schema"].is_null()) {
        return missing("response_format.json_schema");
    }
    const json& js = rf["json_schema"];
    if (!js.is_object()) {
        return type_error("ResponseFormat", "response_format.json_schema", js, "openai.JsonSchema");
    }
    if (js.contains("name") && !js["name"].is_null() && !js["name"].is_string()) {
        return type_error("JsonSchema", "response_format.json_schema.name", js["name"], "string");
    }
    if (js.contains("strict") && !js["strict"].is_null() && !js["strict"].is_boolean()) {
        return type_error("JsonSchema", "response_format.json_schema.strict", js["strict"], "bool");
    }
    if (!js.contains("schema") || js["schema"].is_null()) {
        return missing("response_format.json_schema.schema");
    }
    if (!js["schema"].is_object()) return invalid_format(js["schema"]);
    out.kind = FormatRequest::Kind::schema;
    out.schema = js["schema"];
    out.field = "response_format.json_schema.schema";
    return std::nullopt;
}

// "json" asks for any JSON object: the mock's is this shape, its summary the generated text.
const json& json_shape() {
    static const json shape = json::parse(R"({
      "type": "object",
      "required": ["summary", "keywords", "confidence"],
      "properties": {
        "summary": {"type": "string"},
        "keywords": {"type": "array", "items": {"type": "string"}, "minItems": 2, "maxItems": 4},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1}
      }
    })");
    return shape;
}
constexpr std::size_t kSummaryTokens = 24;
// Keeps the value's draws apart from the text's, which start from the same seed.
constexpr std::uint64_t kValueSalt = 0x666f726d6174ULL;  // "format"

}  // namespace

std::optional<std::string> read_format_request(ApiKind kind, const json& body, FormatRequest& out) {
    switch (kind) {
        case ApiKind::generate:
        case ApiKind::chat:
            return read_ollama_format(body, out);
        case ApiKind::openai:
            return read_response_format(body, out);
        case ApiKind::openai_completion:
        case ApiKind::progress:
            break;
    }
    return std::nullopt;
}

std::optional<std::string> structured_tokens(const FormatRequest& format, std::uint64_t seed,
                                             std::string_view model, std::string_view prompt,
                                             const TextOptions& text,
                                             std::vector<std::string>& out) {
    out.clear();
    if (format.kind == FormatRequest::Kind::none) return std::nullopt;
    const std::uint64_t value_seed = text_seed(seed, model, prompt) ^ kValueSalt;
    const bool is_schema = format.kind == FormatRequest::Kind::schema;
    auto made = value_for_schema(is_schema ? format.schema : json_shape(), value_seed);
    if (const auto* err = std::get_if<std::string>(&made)) {
        return format.field + " is not a JSON Schema mock-ollama can satisfy: " + *err;
    }
    json& value = std::get<json>(made);
    if (!is_schema) {
        std::string summary;
        for (const auto& t : generate_tokens(seed, model, prompt, kSummaryTokens, text)) {
            summary += t;
        }
        summary.erase(0, summary.find_first_not_of(' '));
        value["summary"] = summary;
    }
    tokenize_into(value.dump(-1, ' ', false, json::error_handler_t::replace), out);
    return std::nullopt;
}

}  // namespace mock_ollama
