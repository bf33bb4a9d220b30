#include "api/tool_plan.hpp"

#include <algorithm>

#include "api/request_json.hpp"
#include "common/rng.hpp"
#include "mock_ollama/model_name.hpp"
#include "mock_ollama/schedule.hpp"
#include "mock_ollama/scripts.hpp"
#include "mock_ollama/textgen.hpp"

namespace mock_ollama {

using std::chrono::nanoseconds;

std::optional<std::string> check_capabilities(ApiKind kind, const ModelInfo& model,
                                              std::string_view requested,
                                              const ToolsRequest& request) {
    const std::string quoted = nlohmann::json(std::string(requested)).dump();  // Go's %q
    if (request.thinks() && !model.capabilities.has(Capability::thinking)) {
        return quoted + " does not support thinking";
    }
    if (!model.capabilities.has(Capability::completion)) {
        const bool chat = kind == ApiKind::chat || kind == ApiKind::openai;
        return quoted + (chat ? " does not support chat" : " does not support generate");
    }
    if (!request.tools.empty() && !model.capabilities.has(Capability::tools)) {
        return qualified_model_name(model.name) + " does not support tools";
    }
    return std::nullopt;
}

std::string think_level(ApiKind kind, const ModelInfo& model, const ToolsRequest& request) {
    if (kind == ApiKind::openai_completion || kind == ApiKind::progress) return "";
    if (request.think) return *request.think;
    return model.capabilities.has(Capability::thinking) ? "medium" : "";
}

std::size_t thinking_token_count(std::string_view level, std::size_t tokens) {
    std::size_t n = 0;
    if (level == "low") {
        n = tokens / 4;
    } else if (level == "medium") {
        n = tokens / 2;
    } else if (level == "high") {
        n = tokens;
    } else if (level == "max") {
        n = tokens * 2;
    } else {
        return 0;
    }
    return std::clamp<std::size_t>(n, 1, kMaxTokensPerResponse);
}

namespace {

constexpr std::uint64_t kThinkSalt = 0x7468696e6b696e67ULL;  // "thinking"

// The call the model makes: a scripted one when a tool-call script matches the prompt, else
// the chosen tool's, its arguments from its schema.
std::variant<ToolCall, std::string> the_call(const Generation& g, const ToolsRequest& request,
                                             const TurnSettings& s) {
    const std::uint64_t key = common::fnv1a64(s.prompt, common::fnv1a64(g.model, s.seed));
    if (const ScriptedResponse* scripted =
            s.scripts ? s.scripts->match_tool_call(g.model, s.prompt) : nullptr) {
        return ToolCall{tool_call_id(key), scripted->tool_name, scripted->tool_arguments};
    }
    const ToolSpec& tool = request.tools[choose_tool(request.tools, request.last_user, key)];
    return make_tool_call(tool, common::fnv1a64(tool.name, key), key);
}

}  // namespace

std::optional<std::string> plan_turn(Generation& g, const ToolsRequest& request,
                                     const TurnSettings& s) {
    const bool call = !request.tools.empty() && !request.after_tool;
    const std::size_t thinking = thinking_token_count(s.think, s.pacing.tokens);
    const bool preface =
        request.after_tool && !(s.scripts && s.scripts->match(g.model, s.prompt) != nullptr);
    if (!call && thinking == 0 && !preface) return std::nullopt;

    std::vector<std::string> tokens;
    if (thinking > 0) {
        tokens = generate_tokens(s.seed ^ kThinkSalt, g.model, s.prompt, thinking, s.text);
    }
    std::vector<std::string> content;
    std::size_t content_count = g.tokens.size();
    if (call) {
        auto made = the_call(g, request, s);
        if (auto* err = std::get_if<std::string>(&made)) return *err;
        g.tool_calls.push_back(std::get<ToolCall>(std::move(made)));
        // One slot for the calls; what the log shows as its text.
        std::string text;
        append_ollama_tool_calls(text, g.tool_calls);
        content.push_back(std::move(text));
        // The call's text takes as long as its tokens to generate; it leaves in one piece.
        content_count = static_cast<std::size_t>(
            count_prompt_tokens(g.tool_calls[0].name + " " + g.tool_calls[0].arguments));
        g.done_reason = "stop";
    } else if (preface) {
        tokenize_into(tool_result_preface(request.tool_name, request.tool_result), content);
        content.insert(content.end(), g.tokens.begin(), g.tokens.end());
        content_count = content.size();
    } else {
        content = g.tokens.all();
    }

    // Thinking at the pace of tokens from the first token's instant; the content as planned,
    // later by the thinking's span.
    const std::uint64_t key =
        common::fnv1a64(s.prompt, common::fnv1a64(g.model, s.seed)) ^ kThinkSalt;
    const auto think_offsets =
        emission_offsets(key, s.pacing, thinking + 1, s.time_scale, std::vector<double>{});
    const nanoseconds span = think_offsets.back() - think_offsets.front();
    std::vector<nanoseconds> offsets(think_offsets.begin(), think_offsets.end() - 1);
    if (call) {
        const auto o = emission_offsets(key, s.pacing, content_count, s.time_scale, {});
        offsets.push_back(o.back() + span);
    } else {
        auto o = g.offsets;
        if (o.size() != content_count) {
            o = emission_offsets(key, s.pacing, content_count, s.time_scale, {});
        }
        for (const auto& t : o) offsets.push_back(t + span);
    }
    tokens.insert(tokens.end(), content.begin(), content.end());
    g.thinking_tokens = thinking;
    g.tokens = Tokens(std::move(tokens));
    g.offsets = std::move(offsets);
    if (!g.offsets.empty()) g.ttft = g.offsets.front();
    g.record->set_tokens(g.tokens);
    nlohmann::json calls = nlohmann::json::array();
    if (!g.tool_calls.empty()) {
        std::string text;
        append_ollama_tool_calls(text, g.tool_calls);
        calls = nlohmann::json::parse(text);
    }
    g.record->set_turn(thinking, std::move(calls));
    return std::nullopt;
}

}  // namespace mock_ollama
