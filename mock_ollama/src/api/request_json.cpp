#include "api/request_json.hpp"

#include <algorithm>

#include "api/safe_text.hpp"

namespace mock_ollama {

TextPosition position_of(std::string_view text, std::size_t byte) {
    const std::size_t pos = std::min(byte == 0 ? 0 : byte - 1, text.size());
    TextPosition at;
    std::size_t line_start = 0;
    for (std::size_t k = 0; k < pos; ++k) {
        if (text[k] == '\n') {
            ++at.line;
            line_start = k + 1;
        }
    }
    at.column = pos - line_start + 1;
    return at;
}

namespace {
// "line L, column C" of the 1-based byte offset `byte` (as nlohmann counts it).
std::string line_and_column(std::string_view text, std::size_t byte) {
    const auto at = position_of(text, byte);
    return "line " + std::to_string(at.line) + ", column " + std::to_string(at.column);
}

std::string_view go_kind(const nlohmann::json& v) {
    if (v.is_string()) return "string";
    if (v.is_number()) return "number";
    if (v.is_boolean()) return "bool";
    if (v.is_array()) return "array";
    if (v.is_object()) return "object";
    return "null";
}
}  // namespace

std::optional<std::string> parse_body(std::string_view body, nlohmann::json& out) {
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return "missing request body";
    }
    try {
        out = nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann says where: "parse error at line 1, column 9: syntax error ...".
        const std::string what = e.what();
        if (what.find("ill-formed UTF-8") != std::string::npos) {
            // Its text quotes the bad bytes themselves; say plainly what and where instead.
            return "invalid JSON in request body: invalid UTF-8 byte at " +
                   line_and_column(body, e.byte);
        }
        const auto at = what.find("parse error");
        return "invalid JSON in request body: " +
               escape_invalid_utf8(at == std::string::npos ? what : what.substr(at));
    } catch (const nlohmann::json::exception& e) {
        // Not a syntax error but still bad input: a number beyond double ("1e999",
        // out_of_range 406). Found by mock_request_fuzz; it escaped as an exception.
        const std::string what = e.what();
        const auto tag_end = what.find("] ");
        return "invalid JSON in request body: " +
               escape_invalid_utf8(tag_end == std::string::npos ? what : what.substr(tag_end + 2));
    }
    if (!out.is_object()) {
        return "json: cannot unmarshal " + std::string(go_kind(out)) +
               " into Go value of type object";
    }
    return std::nullopt;
}

std::string type_error(std::string_view go_struct, std::string_view field,
                       const nlohmann::json& value, std::string_view go_type) {
    return "json: cannot unmarshal " + std::string(go_kind(value)) + " into Go struct field " +
           std::string(go_struct) + "." + std::string(field) + " of type " + std::string(go_type);
}

std::optional<std::string> require_model(const nlohmann::json& body, std::string_view go_struct,
                                         std::string& model) {
    const char* key = body.contains("model") ? "model" : "name";  // /api/show accepts `name`
    if (!body.contains(key) || body[key].is_null()) return "model is required";
    if (!body[key].is_string()) {
        return type_error(go_struct, key, body[key], "string");
    }
    model = body[key].get<std::string>();
    if (model.empty()) return "model is required";
    return std::nullopt;
}

std::int64_t count_prompt_tokens(std::string_view text) {
    std::int64_t n = 0;
    bool in_word = false;
    for (char c : text) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
        if (alnum) {
            if (!in_word) ++n;
            in_word = true;
        } else {
            in_word = false;
            if (c != ' ' && c != '\n' && c != '\t' && c != '\r') ++n;  // punctuation
        }
    }
    return n > 0 ? n : 1;
}

}  // namespace mock_ollama
