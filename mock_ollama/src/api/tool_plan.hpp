#pragma once
// What tools and thinking change in a generation: Ollama's capability errors, thinking tokens
// before the content, a tool call instead of the content, and an answer that opens on a tool's
// result. Called by Api::generation once the content is planned.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/tools_request.hpp"
#include "mock_ollama/api.hpp"

namespace mock_ollama {

// Ollama's 400 text for a model that lacks what the request needs, in Ollama's order
// (thinking, then completion, then tools); nullopt when it has all. `requested` is the name
// as the request spelled it.
std::optional<std::string> check_capabilities(ApiKind kind, const ModelInfo& model,
                                              std::string_view requested,
                                              const ToolsRequest& request);

// The think level the generation uses: the request's, else "medium" for a model that thinks
// (Ollama turns thinking on when the request says nothing), else "" (none). /v1/completions
// never thinks.
std::string think_level(ApiKind kind, const ModelInfo& model, const ToolsRequest& request);

// Thinking tokens per level, from the response's token budget: low a quarter, medium half,
// high all, max twice (at least 1, at most kMaxTokensPerResponse).
std::size_t thinking_token_count(std::string_view level, std::size_t tokens);

struct TurnSettings {
    std::string_view prompt;
    std::string think;  // think_level's answer
    Pacing pacing;
    TextOptions text;
    std::uint64_t seed = 0;
    const ScriptBook* scripts = nullptr;
    double time_scale = 1.0;
};

// Reshapes `g` (content tokens and offsets already planned): thinking first, then a tool call
// (a chat offering tools, last message not a tool's result) or the content, which after a
// tool's result opens on it. Returns the 400 text when the chosen call cannot be made.
std::optional<std::string> plan_turn(Generation& g, const ToolsRequest& request,
                                     const TurnSettings& settings);

}  // namespace mock_ollama
