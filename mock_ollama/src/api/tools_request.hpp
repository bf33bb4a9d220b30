#pragma once
// The parts of a chat or generate request about tools and thinking: `tools`, `think` (or /v1's
// `reasoning_effort` / `reasoning.effort`), and the tail of the conversation (is the last
// message a tool's result?). Errors are Ollama's texts where Ollama has one.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mock_ollama/tool_call.hpp"
#include "mock_ollama/wire.hpp"

namespace mock_ollama {

struct ToolsRequest {
    std::vector<ToolSpec> tools;
    // Ollama's think value: nullopt when the request leaves it to the model (a thinking model
    // then thinks); "" for false; "low", "medium", "high" or "max" (true is "medium").
    std::optional<std::string> think;
    bool thinks() const { return think && !think->empty(); }
    // The conversation's tail: the last user message's content (what a tool is chosen by), and
    // when the last message is a tool's result, that result and the tool's name (from
    // tool_name, name, or the assistant call its tool_call_id answers; may be empty).
    std::string last_user;
    bool after_tool = false;
    std::string tool_name, tool_result;
};

// Reads `body` (already a JSON object whose messages read_messages accepted) into `out`;
// returns the error text for a 400.
std::optional<std::string> read_tools_request(ApiKind kind, const nlohmann::json& body,
                                              std::string_view go_struct, ToolsRequest& out);

}  // namespace mock_ollama
