// Capabilities, `tools` and `think` through the API without sockets: Ollama's errors, the plan
// of a tool call or of thinking tokens, and the answer after a tool's result.
#include "mock_ollama/api.hpp"

#include "api_request.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

using namespace mock_ollama;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const json kWeather = {
    {"type", "function"},
    {"function",
     {{"name", "get_weather"},
      {"description", "Current weather for a city"},
      {"parameters",
       {{"type", "object"},
        {"properties",
         {{"city", {{"type", "string"}}}, {"unit", {{"type", "string"}, {"enum", {"C", "F"}}}}}},
        {"required", {"city"}}}}}}};
const json kTime = {{"type", "function"},
                    {"function",
                     {{"name", "get_time"},
                      {"description", "The time now in a timezone"},
                      {"parameters",
                       {{"type", "object"},
                        {"properties", {{"timezone", {{"type", "string"}}}}},
                        {"required", {"timezone"}}}}}}};

json chat(std::string model, std::string content, json extra = json::object()) {
    json b = {{"model", std::move(model)},
              {"messages", json::array({{{"role", "user"}, {"content", std::move(content)}}})}};
    b.update(extra);
    return b;
}

class ToolsApi : public ::testing::Test {
  protected:
    ToolsApi()
        : log_(100), api_(config(), stats_, log_, common::Logger("test", common::LogLevel::off)) {}

    static MockConfig config() {
        MockConfig c;
        c.runtime.pacing.tokens = 20;
        return c;
    }
    Outcome call(const std::string& path, const json& body) {
        return api_.handle(test_support::api_request("POST", path, body.dump(), {}),
                           test_support::kReceivedUs);
    }
    // A 4xx reply: status and body.
    std::pair<int, json> error(const std::string& path, const json& body) {
        auto out = call(path, body);
        auto* r = std::get_if<Reply>(&out);
        if (r == nullptr) {
            ADD_FAILURE() << "expected an error reply, got a generation";
            return {0, json()};
        }
        const auto split = r->bytes.find("\r\n\r\n");
        return {std::stoi(r->bytes.substr(9, 3)), json::parse(r->bytes.substr(split + 4))};
    }
    std::string error_text(const std::string& path, const json& body) {
        const auto [status, j] = error(path, body);
        EXPECT_EQ(status, 400) << j;
        if (path.starts_with("/v1/")) return j["error"]["message"];
        return j.value("error", "");
    }
    Generation gen(const std::string& path, const json& body) {
        auto out = call(path, body);
        if (auto* r = std::get_if<Reply>(&out)) {
            ADD_FAILURE() << "expected a generation, got " << r->bytes;
            return {};
        }
        return std::get<Generation>(std::move(out));
    }
    json show(const std::string& model) {
        auto out = call("/api/show", {{"model", model}});
        const auto& bytes = std::get<Reply>(out).bytes;
        return json::parse(bytes.substr(bytes.find("\r\n\r\n") + 4));
    }
    static std::string join(const Generation& g, std::size_t from, std::size_t to) {
        std::string s;
        for (std::size_t i = from; i < to; ++i) s += g.tokens[i];
        return s;
    }

    Stats stats_;
    RequestLog log_;
    Api api_;
};

TEST_F(ToolsApi, ShowReportsEachModelsCapabilities) {
    EXPECT_EQ(show("phi")["capabilities"], json({"completion"}));
    EXPECT_EQ(show("llama3.2")["capabilities"], json({"completion", "tools"}));
    EXPECT_EQ(show("mistral:latest")["capabilities"], json({"completion", "tools"}));
    EXPECT_EQ(show("qwen3")["capabilities"], json({"completion", "tools", "thinking"}));
}

TEST_F(ToolsApi, ConfigSetsCapabilitiesAndNamesTheBadKey) {
    auto out =
        call("/_mock/config", {{"models",
                                {{{"name", "emb"}, {"capabilities", {"embedding"}}},
                                 {{"name", "vis"}, {"capabilities", {"completion", "vision"}}}}}});
    ASSERT_TRUE(std::holds_alternative<Reply>(out));
    EXPECT_EQ(show("emb")["capabilities"], json({"embedding"}));
    EXPECT_EQ(show("vis")["capabilities"], json({"completion", "vision"}));
    // A model that cannot complete cannot chat or generate, with Ollama's words.
    EXPECT_EQ(error_text("/api/chat", chat("emb", "hi")), "\"emb\" does not support chat");
    EXPECT_EQ(error_text("/api/generate", {{"model", "emb"}, {"prompt", "hi"}}),
              "\"emb\" does not support generate");

    const auto [status, bad] =
        error("/_mock/config", {{"models", {{{"name", "x"}, {"capabilities", {"tools", "fly"}}}}}});
    EXPECT_EQ(status, 400);
    EXPECT_THAT(bad.dump(), HasSubstr("models[0].capabilities[1]: unknown capability 'fly'"));
    EXPECT_THAT(error("/_mock/config", {{"models", {{{"name", "x"}, {"capabilities", "tools"}}}}})
                    .second.dump(),
                HasSubstr("models[0].capabilities"));
    EXPECT_THAT(
        error("/_mock/config", {{"models", {{{"name", "x"}, {"capabilities", json::array()}}}}})
            .second.dump(),
        HasSubstr("must not be empty"));
    EXPECT_EQ(show("vis")["capabilities"], json({"completion", "vision"})) << "nothing changed";
}

TEST_F(ToolsApi, ToolsOnAModelWithoutThemIsOllamasError) {
    const json body = chat("phi", "weather in Paris?", {{"tools", {kWeather}}});
    EXPECT_EQ(error_text("/api/chat", body),
              "registry.ollama.ai/library/phi:latest does not support tools");
    const auto [status, j] = error("/v1/chat/completions", body);
    EXPECT_EQ(status, 400);
    EXPECT_EQ(j["error"]["message"],
              "registry.ollama.ai/library/phi:latest does not support tools");
    EXPECT_EQ(j["error"]["type"], "invalid_request_error");
    // An empty list asks for nothing.
    EXPECT_TRUE(gen("/api/chat", chat("phi", "hi", {{"tools", json::array()}})).tool_calls.empty());
}

TEST_F(ToolsApi, ThinkOnAModelWithoutThinkingIsOllamasError) {
    EXPECT_EQ(error_text("/api/chat", chat("phi", "hi", {{"think", true}})),
              "\"phi\" does not support thinking");
    EXPECT_EQ(
        error_text("/api/generate", {{"model", "phi:latest"}, {"prompt", "hi"}, {"think", "low"}}),
        "\"phi:latest\" does not support thinking");
    EXPECT_EQ(error_text("/v1/chat/completions", chat("phi", "hi", {{"reasoning_effort", "high"}})),
              "\"phi\" does not support thinking");
    // Thinking off is no request for it.
    EXPECT_EQ(gen("/api/chat", chat("phi", "hi", {{"think", false}})).thinking_tokens, 0u);
    EXPECT_EQ(gen("/v1/chat/completions", chat("phi", "hi", {{"reasoning_effort", "none"}}))
                  .thinking_tokens,
              0u);
}

TEST_F(ToolsApi, MalformedToolsAndThinkAreRefusedWithClearMessages) {
    const auto tools = [](json t) { return chat("llama3.2", "hi", {{"tools", std::move(t)}}); };
    EXPECT_EQ(error_text("/api/chat", tools("get_weather")),
              "json: cannot unmarshal string into Go struct field ChatRequest.tools of type "
              "[]api.Tool");
    EXPECT_EQ(error_text("/api/chat", tools({42})),
              "json: cannot unmarshal number into Go struct field ChatRequest.tools of type "
              "api.Tool");
    EXPECT_EQ(error_text("/api/chat", tools({{{"type", "function"}}})),
              "tools[0].function is required");
    EXPECT_EQ(error_text("/api/chat", tools({kTime, {{"function", {{"description", "x"}}}}})),
              "tools[1].function.name is required");
    EXPECT_EQ(error_text("/api/chat", tools({{{"function", {{"name", ""}}}}})),
              "tools[0].function.name must not be empty");
    EXPECT_THAT(error_text("/api/chat", tools({{{"function", {{"name", 7}}}}})),
                HasSubstr("ChatRequest.tools.function.name of type string"));
    EXPECT_THAT(
        error_text("/api/chat", tools({{{"function", {{"name", "f"}, {"parameters", "object"}}}}})),
        HasSubstr("tools.function.parameters of type api.ToolFunctionParameters"));
    EXPECT_THAT(
        error_text("/api/chat",
                   tools({{{"function",
                            {{"name", "f"}, {"parameters", {{"properties", json::array()}}}}}}})),
        HasSubstr("parameters.properties of type api.ToolPropertiesMap"));
    EXPECT_THAT(
        error_text("/v1/chat/completions",
                   tools({{{"function", {{"name", "f"}, {"parameters", {{"required", {1}}}}}}}})),
        HasSubstr("ChatCompletionRequest.tools.function.parameters.required of type string"));

    EXPECT_EQ(error_text("/api/chat", chat("qwen3", "hi", {{"think", "hard"}})),
              "invalid think value: \"hard\" (must be \"high\", \"medium\", \"low\", \"max\", "
              "true, or false)");
    EXPECT_EQ(error_text("/api/generate", {{"model", "qwen3"}, {"prompt", "hi"}, {"think", 1}}),
              "think must be a boolean or string (\"high\", \"medium\", \"low\", \"max\", true, "
              "or false)");
    EXPECT_THAT(
        error_text("/v1/chat/completions", chat("qwen3", "hi", {{"reasoning_effort", "lots"}})),
        StartsWith("invalid reasoning value: \"lots\""));
    EXPECT_THAT(error_text("/v1/chat/completions", chat("qwen3", "hi", {{"reasoning", "high"}})),
                HasSubstr("ChatCompletionRequest.reasoning of type openai.Reasoning"));
}

TEST_F(ToolsApi, ChatWithToolsPlansOneCallOfTheToolTheMessageIsAbout) {
    const auto g = gen("/api/chat", chat("llama3.2", "What is the weather in Paris?",
                                         {{"tools", {kTime, kWeather}}}));
    ASSERT_EQ(g.tool_calls.size(), 1u);
    const auto& c = g.tool_calls[0];
    EXPECT_EQ(c.name, "get_weather");
    EXPECT_THAT(c.id, StartsWith("call_"));
    EXPECT_EQ(c.id.size(), 13u);
    const json args = json::parse(c.arguments);
    ASSERT_TRUE(args.is_object()) << c.arguments;
    EXPECT_TRUE(args.contains("city")) << "a required property: " << c.arguments;
    EXPECT_EQ(g.thinking_tokens, 0u);
    EXPECT_EQ(g.tokens.size(), 1u) << "one slot for the call";
    EXPECT_EQ(g.offsets.size(), 1u);
    EXPECT_EQ(g.done_reason, "stop");
    // The request log shows the call.
    const auto logged = log_.snapshot(0, 10, false)["requests"].back();
    ASSERT_TRUE(logged.contains("tool_calls")) << logged;
    EXPECT_EQ(logged["tool_calls"][0]["function"]["name"], "get_weather");

    const auto again = gen("/api/chat", chat("llama3.2", "What is the weather in Paris?",
                                             {{"tools", {kTime, kWeather}}}));
    EXPECT_EQ(again.tool_calls[0].arguments, c.arguments) << "deterministic";
    EXPECT_EQ(again.tool_calls[0].id, c.id);
    EXPECT_EQ(gen("/api/chat",
                  chat("llama3.2", "What time is it in Tokyo?", {{"tools", {kWeather, kTime}}}))
                  .tool_calls[0]
                  .name,
              "get_time");
}

TEST_F(ToolsApi, AfterAToolResultTheModelAnswersInTextAboutIt) {
    json body = chat("llama3.2", "What is the weather in Paris?", {{"tools", {kWeather}}});
    body["messages"].push_back(
        {{"role", "assistant"},
         {"content", ""},
         {"tool_calls",
          {{{"function", {{"name", "get_weather"}, {"arguments", {{"city", "Paris"}}}}}}}}});
    body["messages"].push_back(
        {{"role", "tool"}, {"content", "18 C and sunny"}, {"tool_name", "get_weather"}});
    const auto g = gen("/api/chat", body);
    EXPECT_TRUE(g.tool_calls.empty());
    EXPECT_THAT(join(g, 0, g.tokens.size()),
                StartsWith("According to get_weather: 18 C and sunny."));

    // OpenAI's shape: the tool's name comes from the call the result answers.
    json oa = chat("llama3.2", "weather?", {{"tools", {kWeather}}});
    oa["messages"].push_back({{"role", "assistant"},
                              {"content", nullptr},
                              {"tool_calls",
                               {{{"id", "call_1"},
                                 {"type", "function"},
                                 {"function", {{"name", "get_weather"}, {"arguments", "{}"}}}}}}});
    oa["messages"].push_back({{"role", "tool"}, {"content", "rain"}, {"tool_call_id", "call_1"}});
    const auto o = gen("/v1/chat/completions", oa);
    EXPECT_TRUE(o.tool_calls.empty());
    EXPECT_THAT(join(o, 0, o.tokens.size()), StartsWith("According to get_weather: rain."));
}

TEST_F(ToolsApi, ThinkingTokensComeFirstAtTheTokensPace) {
    const auto g = gen("/api/chat", chat("qwen3", "Name: Ana\nSymptoms: cough", {{"think", true}}));
    EXPECT_EQ(g.thinking_tokens, 10u) << "medium: half the 20-token budget";
    ASSERT_EQ(g.tokens.size(), 30u);
    ASSERT_EQ(g.offsets.size(), 30u);
    EXPECT_EQ(g.offsets[0], std::chrono::milliseconds(200)) << "the first thinking token at ttft";
    for (std::size_t i = 1; i < g.offsets.size(); ++i) EXPECT_GE(g.offsets[i], g.offsets[i - 1]);
    EXPECT_GT(g.offsets[10], g.offsets[9]) << "content after the thinking";
    EXPECT_EQ(gen("/api/chat", chat("qwen3", "hi", {{"think", "low"}})).thinking_tokens, 5u);
    EXPECT_EQ(gen("/api/chat", chat("qwen3", "hi", {{"think", "high"}})).thinking_tokens, 20u);
    EXPECT_EQ(gen("/api/chat", chat("qwen3", "hi", {{"think", false}})).thinking_tokens, 0u);
    // As in Ollama, a thinking model thinks unless told not to.
    EXPECT_EQ(gen("/api/chat", chat("qwen3", "hi")).thinking_tokens, 10u);
    EXPECT_EQ(gen("/api/generate", {{"model", "qwen3"}, {"prompt", "hi"}, {"think", "max"}})
                  .thinking_tokens,
              40u);
    EXPECT_EQ(
        gen("/v1/chat/completions", chat("qwen3", "hi", {{"reasoning", {{"effort", "minimal"}}}}))
            .thinking_tokens,
        5u);
    EXPECT_EQ(gen("/v1/chat/completions", chat("qwen3", "hi", {{"reasoning_effort", "xhigh"}}))
                  .thinking_tokens,
              40u);
}

TEST_F(ToolsApi, ThinkingThenACall) {
    const auto g = gen("/api/chat", chat("qwen3", "weather in Oslo", {{"tools", {kWeather}}}));
    EXPECT_EQ(g.thinking_tokens, 10u);
    EXPECT_EQ(g.tokens.size(), 11u);
    ASSERT_EQ(g.tool_calls.size(), 1u);
    EXPECT_GT(g.offsets.back(), g.offsets[9]);
}

TEST_F(ToolsApi, AScriptedCallWinsOverTheRule) {
    auto out = call("/_mock/config",
                    {{"scripts",
                      {{{"match", "Oslo"},
                        {"tool_call", {{"name", "lookup_city"}, {"arguments", {{"q", "Oslo"}}}}}},
                       {{"match", "Oslo"}, {"tokens", {"It", " is", " cold"}}}}}});
    ASSERT_TRUE(std::holds_alternative<Reply>(out));
    const auto g = gen("/api/chat", chat("llama3.2", "weather in Oslo", {{"tools", {kWeather}}}));
    ASSERT_EQ(g.tool_calls.size(), 1u);
    EXPECT_EQ(g.tool_calls[0].name, "lookup_city") << "offered or not";
    EXPECT_EQ(json::parse(g.tool_calls[0].arguments), json({{"q", "Oslo"}}));
    // Without tools the token script answers.
    const auto text = gen("/api/chat", chat("llama3.2", "weather in Oslo"));
    EXPECT_TRUE(text.tool_calls.empty());
    EXPECT_EQ(join(text, 0, text.tokens.size()), "It is cold");
}

TEST_F(ToolsApi, CreateCarriesTheSourcesCapabilities) {
    auto out = call("/api/create", {{"model", "mine"}, {"from", "qwen3"}, {"stream", false}});
    auto* g = std::get_if<Generation>(&out);
    ASSERT_NE(g, nullptr);
    ASSERT_TRUE(g->on_success);
    g->on_success();
    EXPECT_EQ(show("mine")["capabilities"], json({"completion", "tools", "thinking"}));
}

}  // namespace
