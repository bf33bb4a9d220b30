// /v1/models/{id}, /v1/embeddings and /v1/completions on a real mock-ollama over loopback, in
// the shapes of Ollama's OpenAI compatibility layer (openai/openai.go).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "mock_fixture.hpp"

namespace mock_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Base64 (standard alphabet, '=' padding) back to bytes; the test's own decoder.
std::string base64_decode(const std::string& in) {
    static const std::string kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (const char c : in) {
        if (c == '=') break;
        bits = (bits << 6) | static_cast<unsigned>(kAlphabet.find(c));
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xff);
        }
    }
    return out;
}

class OpenAiModels : public ::testing::Test {
  protected:
    MockProcess mock_;
    HttpClient http_ = mock_.client();
};

TEST_F(OpenAiModels, RetrieveAnswersTheModelAndUnknownIs404InOpenAisShape) {
    const auto r = http_.get("/v1/models/phi");
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_EQ(r.json(), json({{"id", "phi"},
                              {"object", "model"},
                              {"created", 1717243200},
                              {"owned_by", "library"}}));
    // SDKs percent-encode the id.
    EXPECT_EQ(http_.get("/v1/models/llama3.2%3Alatest").json()["id"], "llama3.2:latest");
    const auto missing = http_.get("/v1/models/nope");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.json()["error"]["type"], "not_found_error");
    EXPECT_EQ(missing.json()["error"]["message"], "model 'nope' not found");
}

TEST_F(OpenAiModels, EmbeddingsAreApiEmbedsVectorsInOpenAisShape) {
    const json input = {"Name: Ana\nSymptoms: cough", "fever and chills"};
    const auto ours = http_.post("/v1/embeddings", json{{"model", "phi"}, {"input", input}});
    ASSERT_EQ(ours.status, 200) << ours.describe();
    const auto native = http_.post("/api/embed", json{{"model", "phi"}, {"input", input}});
    const auto j = ours.json();
    EXPECT_EQ(j["object"], "list");
    EXPECT_EQ(j["model"], "phi");
    ASSERT_EQ(j["data"].size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(j["data"][i]["object"], "embedding");
        EXPECT_EQ(j["data"][i]["index"], i);
        EXPECT_EQ(j["data"][i]["embedding"], native.json()["embeddings"][i]);
    }
    EXPECT_EQ(j["usage"]["prompt_tokens"], native.json()["prompt_eval_count"]);
    EXPECT_EQ(j["usage"]["total_tokens"], j["usage"]["prompt_tokens"]);

    // "base64" (the openai SDK's default): the same floats, little-endian float32.
    const auto b64 =
        http_.post("/v1/embeddings",
                   json{{"model", "phi"}, {"input", input[0]}, {"encoding_format", "base64"}});
    ASSERT_EQ(b64.status, 200) << b64.describe();
    const std::string bytes = base64_decode(b64.json()["data"][0]["embedding"]);
    const json native_json = native.json();
    const json& floats = native_json["embeddings"][0];
    ASSERT_EQ(bytes.size(), floats.size() * sizeof(float));
    for (std::size_t k = 0; k < floats.size(); ++k) {
        float f = 0;
        std::memcpy(&f, bytes.data() + k * sizeof(float), sizeof f);
        EXPECT_EQ(f, floats[k].get<float>()) << k;
    }
}

TEST_F(OpenAiModels, CompletionsStreamTextCompletionChunksThenDone) {
    const auto r =
        http_.post("/v1/completions", json{{"model", "phi"},
                                           {"prompt", "Name: Eve"},
                                           {"stream", true},
                                           {"stream_options", {{"include_usage", true}}}});
    ASSERT_EQ(r.status, 200) << r.describe();
    EXPECT_THAT(r.header("content-type").value_or(""), StartsWith("text/event-stream"));
    const auto frames = r.records("\n\n");
    ASSERT_GE(frames.size(), 4u) << r.body;
    EXPECT_EQ(frames.back().text, "data: [DONE]");
    std::string text;
    std::string id;
    for (std::size_t i = 0; i + 3 < frames.size(); ++i) {
        ASSERT_THAT(frames[i].text, StartsWith("data: "));
        const auto c = json::parse(frames[i].text.substr(6));
        EXPECT_EQ(c["object"], "text_completion");
        EXPECT_THAT(c["id"].get<std::string>(), StartsWith("cmpl-"));
        if (id.empty()) id = c["id"];
        EXPECT_EQ(c["id"], id);
        EXPECT_TRUE(c["choices"][0]["finish_reason"].is_null()) << c;
        text += c["choices"][0]["text"].get<std::string>();
    }
    const auto finish = json::parse(frames[frames.size() - 3].text.substr(6));
    EXPECT_EQ(finish["choices"][0]["finish_reason"], "stop");
    const auto usage = json::parse(frames[frames.size() - 2].text.substr(6));
    EXPECT_EQ(usage["usage"]["completion_tokens"], 6);
    EXPECT_FALSE(text.empty());

    // Not streaming (OpenAI's default): the same text in one object, seeded alike.
    const auto whole =
        http_.post("/v1/completions", json{{"model", "phi"}, {"prompt", "Name: Eve"}});
    ASSERT_EQ(whole.status, 200) << whole.describe();
    const auto w = whole.json();
    EXPECT_EQ(w["object"], "text_completion");
    EXPECT_EQ(w["choices"][0]["text"], text);
    EXPECT_EQ(w["choices"][0]["finish_reason"], "stop");
    EXPECT_EQ(w["usage"]["completion_tokens"], 6);
}

TEST_F(OpenAiModels, MalformedRequestsAreClear400sInOpenAisShape) {
    struct Case {
        std::string path, body, error;
    };
    const std::vector<Case> cases = {
        {"/v1/completions", R"({"model":"phi","prompt":[1,2]})",
         "CompletionRequest.prompt of type string"},
        {"/v1/completions", "{", "invalid JSON"},
        {"/v1/embeddings", R"({"model":"phi","input":[[1,2]]})", "invalid input"},
        {"/v1/embeddings", R"({"model":"phi"})", "invalid input"},
        {"/v1/embeddings", R"({"model":"phi","input":"x","encoding_format":"hex"})",
         "invalid encoding_format"},
        {"/v1/embeddings", R"({"model":"phi","input":"x","dimensions":0})", "dimensions"},
    };
    for (const auto& c : cases) {
        const auto r = http_.post(c.path, c.body);
        EXPECT_EQ(r.status, 400) << c.path << " " << c.body << ": " << r.describe();
        EXPECT_EQ(r.json()["error"]["type"], "invalid_request_error") << c.body;
        EXPECT_THAT(r.json()["error"]["message"].get<std::string>(), HasSubstr(c.error)) << c.body;
    }
    EXPECT_EQ(http_.post("/v1/embeddings", json{{"model", "nope"}, {"input", "x"}}).status, 404);
    EXPECT_EQ(http_.post("/v1/completions", json{{"model", "nope"}, {"prompt", "x"}}).status, 404);
    expect_serves_a_normal_request(mock_);
}

}  // namespace
}  // namespace mock_test
