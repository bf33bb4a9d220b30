#pragma once
// What the mock's model does with the tools a chat offers: which one it calls (a stable,
// documented rule, see choose_tool), the call's id and arguments, and the opening of its
// answer once the tool's result comes back.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "mock_ollama/wire.hpp"

namespace mock_ollama {

// One offered tool, as the request describes it.
struct ToolSpec {
    std::string name;
    std::string description;
    nlohmann::json parameters;  // its arguments' JSON schema; null when the tool has none
};

// The tool whose words best match `last_user` (the last user message): each distinct word of
// the tool's name (split at '_', '-', '.' and camelCase) found among the message's words scores
// 2, each other word of its description 1. Words are ASCII letters and digits, lowercased, at
// least 3 long, a final 's' dropped, a few very common words ignored. The highest score wins;
// among equal scores (none matching included) `tie_key` picks: tied[tie_key % tied.size()].
// `tools` must not be empty.
std::size_t choose_tool(std::span<const ToolSpec> tools, std::string_view last_user,
                        std::uint64_t tie_key);

// "call_" and 8 lowercase letters and digits, the shape of Ollama's ids; stable for a key.
std::string tool_call_id(std::uint64_t key);

// The call of `tool`, its arguments made from its parameters schema with `seed`; or why not
// (the message names the tool).
std::variant<ToolCall, std::string> make_tool_call(const ToolSpec& tool, std::uint64_t seed,
                                                   std::uint64_t id_key);

// The start of the answer to a tool's result: "According to <tool>: <the result's first
// words>." The result is quoted up to kToolResultQuote bytes, on a character boundary, its
// line breaks as spaces.
inline constexpr std::size_t kToolResultQuote = 160;
std::string tool_result_preface(std::string_view tool_name, std::string_view result);

}  // namespace mock_ollama
