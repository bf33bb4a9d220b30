// Tools and thinking over real loopback HTTP: the NDJSON and SSE shapes of a tool call and of
// thinking tokens, streamed and whole, the follow-up turn, the 400s, and the process still
// serving after hostile tools/think input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_fixture.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::StartsWith;

const json kTools = json::array(
    {{{"type", "function"},
      {"function",
       {{"name", "get_weather"},
        {"description", "Current weather for a city"},
        {"parameters",
         {{"type", "object"},
          {"properties",
           {{"city", {{"type", "string"}}}, {"days", {{"type", "integer"}, {"minimum", 1}}}}},
          {"required", {"city"}}}}}}},
     {{"type", "function"},
      {"function",
       {{"name", "get_time"},
        {"parameters", {{"type", "object"}, {"properties", {{"tz", {{"type", "string"}}}}}}}}}}});

std::vector<json> sse_chunks(const Response& r) {
    std::vector<json> out;
    for (const auto& frame : r.records("\n\n")) {
        if (frame.text == "data: [DONE]") break;
        out.push_back(json::parse(frame.text.substr(6), nullptr, false));
    }
    return out;
}

class Tools : public ::testing::Test {
  protected:
    MockProcess mock_;
    HttpClient http_ = mock_.client();
};

TEST_F(Tools, OllamaChatStreamsOneToolCallLineThenTheDoneLine) {
    const auto r =
        http_.post("/api/chat", chat_body("Weather in Paris?", {{"tools", kTools}}, "llama3.2"));
    ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
    const auto lines = parse_records(r.lines());
    ASSERT_EQ(lines.size(), 2u) << r.body;
    const auto& msg = lines[0]["message"];
    EXPECT_EQ(lines[0]["done"], false);
    EXPECT_EQ(msg["content"], "");
    ASSERT_EQ(msg["tool_calls"].size(), 1u) << r.body;
    const auto& call = msg["tool_calls"][0];
    EXPECT_THAT(call["id"].get<std::string>(), StartsWith("call_"));
    EXPECT_EQ(call["function"]["index"], 0);
    EXPECT_EQ(call["function"]["name"], "get_weather");
    ASSERT_TRUE(call["function"]["arguments"].is_object()) << r.body;
    EXPECT_TRUE(call["function"]["arguments"]["city"].is_string()) << r.body;
    EXPECT_EQ(lines[1]["done"], true);
    EXPECT_EQ(lines[1]["done_reason"], "stop");
    const auto logged = mock_.last_request();
    EXPECT_EQ(logged["tool_calls"][0]["function"]["name"], "get_weather") << logged;
}

TEST_F(Tools, OllamaChatWholeCarriesTheCallsAndThinking) {
    const auto r = http_.post(
        "/api/chat", chat_body("Weather in Paris?",
                               {{"tools", kTools}, {"stream", false}, {"think", true}}, "qwen3"));
    ASSERT_EQ(r.status, 200) << r.describe();
    const auto j = r.json();
    EXPECT_EQ(j["done_reason"], "stop");
    EXPECT_FALSE(j["message"]["thinking"].get<std::string>().empty()) << j;
    EXPECT_EQ(j["message"]["content"], "");
    EXPECT_EQ(j["message"]["tool_calls"][0]["function"]["name"], "get_weather") << j;
}

TEST_F(Tools, OpenAiStreamsDeltaToolCallsAndFinishReasonToolCalls) {
    json body = chat_body("Weather in Paris?", {{"tools", kTools}, {"stream", true}}, "llama3.2");
    const auto r = http_.post("/v1/chat/completions", body);
    ASSERT_EQ(r.status, 200) << r.describe();
    const auto chunks = sse_chunks(r);
    ASSERT_EQ(chunks.size(), 2u) << r.body;
    const auto& delta = chunks[0]["choices"][0]["delta"];
    EXPECT_EQ(delta["role"], "assistant");
    const auto& call = delta["tool_calls"][0];
    EXPECT_EQ(call["index"], 0);
    EXPECT_EQ(call["type"], "function");
    EXPECT_EQ(call["function"]["name"], "get_weather");
    ASSERT_TRUE(call["function"]["arguments"].is_string()) << "OpenAI sends arguments as a string";
    EXPECT_TRUE(json::parse(call["function"]["arguments"].get<std::string>()).contains("city"));
    EXPECT_EQ(chunks[1]["choices"][0]["finish_reason"], "tool_calls");

    body["stream"] = false;
    const auto whole = http_.post("/v1/chat/completions", body).json();
    EXPECT_EQ(whole["choices"][0]["finish_reason"], "tool_calls") << whole;
    EXPECT_EQ(whole["choices"][0]["message"]["tool_calls"][0]["id"], call["id"]) << "deterministic";
}

TEST_F(Tools, ThinkingStreamsBeforeTheContentOnEveryEndpoint) {
    const auto chat = parse_records(
        http_.post("/api/chat", chat_body("Symptoms: cough", {{"think", "low"}}, "qwen3")).lines());
    ASSERT_FALSE(chat.empty());
    std::size_t thinking = 0, content = 0;
    for (const auto& l : chat) {
        if (l["done"] == true) break;
        if (!l["message"].value("thinking", "").empty()) {
            EXPECT_EQ(content, 0u) << "thinking after content";
            EXPECT_EQ(l["message"]["content"], "");
            ++thinking;
        } else {
            ++content;
        }
    }
    EXPECT_EQ(thinking, 1u) << "low: a quarter of 6 tokens, at least 1";
    EXPECT_EQ(content, 6u);

    const auto gen = parse_records(
        http_.post("/api/generate", generate_body("Symptoms: cough", {{"think", "high"}}, "qwen3"))
            .lines());
    ASSERT_GT(gen.size(), 6u);
    for (std::size_t i = 0; i < 6; ++i) {
        EXPECT_FALSE(gen[i]["thinking"].get<std::string>().empty()) << gen[i];
        EXPECT_EQ(gen[i]["response"], "");
    }
    EXPECT_FALSE(gen[6].contains("thinking")) << gen[6];

    const auto r = http_.post(
        "/v1/chat/completions",
        chat_body("Symptoms: cough", {{"stream", true}, {"reasoning_effort", "medium"}}, "qwen3"));
    const auto chunks = sse_chunks(r);
    ASSERT_GE(chunks.size(), 4u) << r.body;
    EXPECT_EQ(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_FALSE(chunks[i]["choices"][0]["delta"]["reasoning"].get<std::string>().empty());
    }
    EXPECT_FALSE(chunks[3]["choices"][0]["delta"].contains("reasoning"));
    EXPECT_FALSE(chunks[3]["choices"][0]["delta"].contains("role")) << "role only once";
}

TEST_F(Tools, FollowUpTurnAnswersInTextMentioningTheResult) {
    json body = chat_body("Weather in Paris?", {{"tools", kTools}, {"stream", false}}, "llama3.2");
    const auto first = http_.post("/api/chat", body).json();
    body["messages"].push_back(first["message"]);
    body["messages"].push_back(
        {{"role", "tool"}, {"content", "21 C, clear"}, {"tool_name", "get_weather"}});
    const auto second = http_.post("/api/chat", body).json();
    EXPECT_FALSE(second["message"].contains("tool_calls")) << second;
    EXPECT_THAT(second["message"]["content"].get<std::string>(),
                StartsWith("According to get_weather: 21 C, clear."));
}

TEST_F(Tools, MissingCapabilitiesAndMalformedInputAre400AndTheMockServesOn) {
    const auto no_tools = http_.post("/api/chat", chat_body("hi", {{"tools", kTools}}));
    EXPECT_EQ(no_tools.status, 400);
    EXPECT_EQ(no_tools.json()["error"],
              "registry.ollama.ai/library/phi:latest does not support tools");
    const auto no_think =
        http_.post("/v1/chat/completions", chat_body("hi", {{"reasoning_effort", "low"}}));
    EXPECT_EQ(no_think.status, 400);
    EXPECT_EQ(no_think.json()["error"]["message"], "\"phi\" does not support thinking");
    for (const json& extra : {json{{"tools", 1}}, json{{"tools", {nullptr}}},
                              json{{"tools", {{{"function", {{"name", {1}}}}}}}},
                              json{{"tools", {{{"function", {{"name", "f"}, {"parameters", 3}}}}}}},
                              json{{"think", "maybe"}}, json{{"think", {1}}}}) {
        const auto r = http_.post("/api/chat", chat_body("hi", extra, "qwen3"));
        EXPECT_EQ(r.status, 400) << extra << " " << r.body;
        EXPECT_TRUE(r.json()["error"].is_string()) << r.body;
    }
    expect_serves_a_normal_request(mock_);
}

}  // namespace
}  // namespace mock_test
