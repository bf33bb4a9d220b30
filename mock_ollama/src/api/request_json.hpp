#pragma once
// Request-body checks shared by the API handlers, with Ollama's error texts (its server is Go:
// body decoding errors read like encoding/json's).
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mock_ollama {

// Where nlohmann's 1-based byte offset `byte` (a parse_error's) falls in `text`.
struct TextPosition {
    std::size_t line = 1;
    std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t byte);

// Parses a JSON object body; on failure returns the error message (for a 400).
std::optional<std::string> parse_body(std::string_view body, nlohmann::json& out);

// "json: cannot unmarshal number into Go struct field GenerateRequest.prompt of type string"
std::string type_error(std::string_view go_struct, std::string_view field,
                       const nlohmann::json& value, std::string_view go_type);

// Reads the required string field `model`; on failure returns the error message (for a 400).
std::optional<std::string> require_model(const nlohmann::json& body, std::string_view go_struct,
                                         std::string& model);

// A plausible prompt token count (words and punctuation), at least 1.
std::int64_t count_prompt_tokens(std::string_view text);

}  // namespace mock_ollama
