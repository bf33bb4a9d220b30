// The OpenAI-compatible /v1/chat/completions as OpenAI SDKs read it: SSE frames of
// chat.completion.chunk objects, role only in the first delta, finish_reason null until the
// last, the optional usage chunk, and `data: [DONE]`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mock_fixture.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::StartsWith;

json openai_body(std::string_view prompt, json extra = json::object()) {
    json b = {{"model", "phi"},
              {"messages", json::array({{{"role", "user"}, {"content", prompt}}})},
              {"stream", true}};
    b.update(extra);
    return b;
}

// The JSON of each `data:` frame before `[DONE]`; `done` tells whether [DONE] closed it.
struct SseStream {
    Response response;
    std::vector<json> chunks;
    bool done = false;
    std::vector<std::string> bad_frames;  // frames that are not `data: {json}`
};

SseStream read_sse(HttpClient& http, const json& body) {
    SseStream s;
    s.response = http.post("/v1/chat/completions", body);
    for (const auto& frame : s.response.records("\n\n")) {
        if (s.done) {
            s.bad_frames.push_back("after [DONE]: " + frame.text);
        } else if (frame.text == "data: [DONE]") {
            s.done = true;
        } else if (!frame.text.starts_with("data: ")) {
            s.bad_frames.push_back(frame.text);
        } else {
            auto j = json::parse(frame.text.substr(6), nullptr, false);
            if (j.is_discarded()) s.bad_frames.push_back(frame.text);
            s.chunks.push_back(std::move(j));
        }
    }
    return s;
}

class OpenAi : public ::testing::Test {
  protected:
    MockProcess mock_;
    HttpClient http_ = mock_.client();
};

TEST_F(OpenAi, StreamsChunksWithRoleFirstFinishReasonLastThenUsageAndDone) {
    const auto s = read_sse(http_, openai_body("Name: Eve\nSymptoms: cough",
                                               {{"stream_options", {{"include_usage", true}}}}));
    ASSERT_TRUE(s.response.ok() && s.response.status == 200) << s.response.describe();
    EXPECT_THAT(s.response.header("content-type").value_or(""), StartsWith("text/event-stream"));
    EXPECT_TRUE(s.done) << "no data: [DONE]";
    EXPECT_TRUE(s.bad_frames.empty()) << s.bad_frames.front();
    EXPECT_EQ(s.response.trailing("\n\n"), "");

    const auto logged = mock_.last_request();
    EXPECT_EQ(logged["endpoint"], "openai_chat");
    const auto tokens = token_texts(logged);
    ASSERT_EQ(tokens.size(), 6u);
    ASSERT_EQ(s.chunks.size(), tokens.size() + 2) << "tokens, finish, usage: " << s.response.body;

    const json id = s.chunks[0]["id"];
    ASSERT_TRUE(id.is_string() && id.get<std::string>().starts_with("chatcmpl-")) << id;
    for (std::size_t i = 0; i < s.chunks.size(); ++i) {
        const auto& c = s.chunks[i];
        EXPECT_EQ(c["object"], "chat.completion.chunk") << i;
        EXPECT_EQ(c["id"], id) << i;
        EXPECT_EQ(c["model"], "phi") << i;
        EXPECT_TRUE(c["created"].is_number_integer()) << c;
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const auto& choice = s.chunks[i]["choices"][0];
        json delta = {{"content", tokens[i]}};
        if (i == 0) delta["role"] = "assistant";
        EXPECT_EQ(choice["delta"], delta) << "chunk " << i;
        EXPECT_TRUE(choice["finish_reason"].is_null()) << "chunk " << i << ": " << choice;
        EXPECT_EQ(choice["index"], 0);
    }
    const auto& finish = s.chunks[tokens.size()]["choices"];
    ASSERT_EQ(finish.size(), 1u) << finish;
    EXPECT_EQ(finish[0]["delta"], json::object());
    EXPECT_EQ(finish[0]["finish_reason"], "stop");

    const auto& usage_chunk = s.chunks.back();
    EXPECT_EQ(usage_chunk["choices"], json::array());
    EXPECT_EQ(usage_chunk["usage"]["completion_tokens"], tokens.size());
    EXPECT_EQ(usage_chunk["usage"]["prompt_tokens"], 6);
    EXPECT_EQ(usage_chunk["usage"]["total_tokens"], tokens.size() + 6);
}

TEST_F(OpenAi, WithoutIncludeUsageThereIsNoUsageChunk) {
    const auto s = read_sse(http_, openai_body("no usage"));
    ASSERT_TRUE(s.done) << s.response.describe();
    ASSERT_EQ(s.chunks.size(), 7u) << s.response.body;
    for (const auto& c : s.chunks) EXPECT_FALSE(c.contains("usage")) << c;
    EXPECT_EQ(s.chunks.back()["choices"][0]["finish_reason"], "stop");
}

TEST_F(OpenAi, MaxTokensEndsWithFinishReasonLength) {
    const auto s = read_sse(http_, openai_body("short", {{"max_tokens", 2}}));
    ASSERT_TRUE(s.done) << s.response.describe();
    ASSERT_EQ(s.chunks.size(), 3u) << s.response.body;
    EXPECT_EQ(s.chunks.back()["choices"][0]["finish_reason"], "length");
    EXPECT_EQ(mock_.last_request()["token_count"], 2);
}

TEST_F(OpenAi, WithoutStreamItAnswersOneChatCompletion) {
    auto body = openai_body("whole");
    body.erase("stream");  // OpenAI's default is not to stream
    const auto r = http_.post("/v1/chat/completions", body);
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_THAT(r.header("content-type").value_or(""), StartsWith("application/json"));
    const auto j = r.json();
    EXPECT_EQ(j["object"], "chat.completion");
    EXPECT_EQ(j["choices"][0]["message"],
              (json{{"role", "assistant"}, {"content", mock_.last_request()["text"]}}));
    EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
    EXPECT_EQ(j["usage"]["completion_tokens"], 6);
}

TEST_F(OpenAi, ErrorsUseOpenAisErrorObject) {
    const auto r = http_.post(
        "/v1/chat/completions",
        json{{"model", "nope"}, {"messages", json::array({{{"role", "user"}, {"content", "x"}}})}});
    EXPECT_EQ(r.status, 404) << r.describe();
    const auto j = r.json();
    EXPECT_EQ(j["error"]["message"], "model 'nope' not found");
    EXPECT_EQ(j["error"]["type"], "not_found_error");  // Ollama's openai.NewError for a 404

    const auto missing = http_.post("/v1/chat/completions", json{{"model", "phi"}});
    EXPECT_EQ(missing.status, 400) << missing.describe();
    EXPECT_EQ(missing.json()["error"]["message"], "messages is required");
}

}  // namespace
}  // namespace mock_test
