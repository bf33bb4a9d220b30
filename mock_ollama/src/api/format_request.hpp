#pragma once
// Structured output: Ollama's `format` ("json" or a JSON Schema, /api/generate and /api/chat)
// and OpenAI's `response_format` (/v1/chat/completions), read from a request, and the JSON
// answer that replaces the generated text. Real Ollama constrains the model's sampling with a
// grammar; the mock makes a value that fits (model/schema_value.hpp) and streams its text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_ollama/api.hpp"
#include "mock_ollama/textgen.hpp"

namespace mock_ollama {

struct FormatRequest {
    enum class Kind { none, json, schema };
    Kind kind = Kind::none;
    nlohmann::json schema;  // Kind::schema: the JSON Schema (an object)
    // Where the schema came from, for error messages: "format" or
    // "response_format.json_schema.schema".
    std::string field = "format";
};

// Reads `format` (generate, chat) or `response_format` (/v1 chat) from `body`, a JSON object;
// returns the 400 text when the value is not one the endpoint takes.
std::optional<std::string> read_format_request(ApiKind kind, const nlohmann::json& body,
                                               FormatRequest& out);

// The answer, cut into LLM-like tokens (the tokenizer of generated text, so they concatenate
// back to the JSON text): for "json" an object of a few keys around generated text, for a
// schema a value that validates against it; nothing for no format. Seeded by
// text_seed(seed, model, prompt), so the same request gets the same JSON. Returns the 400 text
// for a schema the generator does not support.
std::optional<std::string> structured_tokens(const FormatRequest& format, std::uint64_t seed,
                                             std::string_view model, std::string_view prompt,
                                             const TextOptions& text,
                                             std::vector<std::string>& out);

}  // namespace mock_ollama
