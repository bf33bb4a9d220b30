// The API without sockets: request in, reply or generation plan out.
#include "mock_ollama/api.hpp"

#include "api_request.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"

namespace {

using namespace mock_ollama;
using nlohmann::json;
using ::testing::HasSubstr;

struct Parsed {
    int status = 0;
    std::string head, body;
};

Parsed parse(const std::string& bytes) {
    Parsed p;
    p.status = std::stoi(bytes.substr(9, 3));
    const auto split = bytes.find("\r\n\r\n");
    p.head = bytes.substr(0, split);
    p.body = bytes.substr(split + 4);
    return p;
}

class ApiTest : public ::testing::Test {
  protected:
    ApiTest()
        : log_(100), api_(config(), stats_, log_, common::Logger("test", common::LogLevel::off)) {}

    static MockConfig config() {
        MockConfig c;
        c.runtime.pacing.tokens = 20;
        return c;
    }

    Outcome call(std::string method, std::string target, std::string body = {},
                 std::vector<Header> headers = {}) {
        return api_.handle(test_support::api_request(std::move(method), std::move(target),
                                                     std::move(body), std::move(headers)),
                           test_support::kReceivedUs);
    }
    Parsed reply(std::string method, std::string target, std::string body = {},
                 std::vector<Header> headers = {}) {
        auto out = call(std::move(method), std::move(target), std::move(body), std::move(headers));
        if (!std::holds_alternative<Reply>(out)) {
            ADD_FAILURE() << "expected a reply, got a generation";
            return {};
        }
        return parse(std::get<Reply>(out).bytes);
    }
    Generation gen(const json& body, std::vector<Header> headers = {},
                   std::string path = "/api/generate") {
        auto out = call("POST", std::move(path), body.dump(), std::move(headers));
        if (auto* r = std::get_if<Reply>(&out)) {
            ADD_FAILURE() << "expected a generation, got " << r->bytes;
            return {};
        }
        return std::get<Generation>(std::move(out));
    }
    static std::string text(const Generation& g) {
        std::string s;
        for (const auto& t : g.tokens) s += t;
        return s;
    }

    Stats stats_;
    RequestLog log_;
    Api api_;
};

const json kPrompt = {{"model", "phi"}, {"prompt", "Name: Ana Lima\nSymptoms: cough, fever"}};

TEST_F(ApiTest, RootSaysOllamaIsRunning) {
    const auto r = reply("GET", "/");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "Ollama is running");
}

TEST_F(ApiTest, GenerateBecomesAPlanWithTheConfiguredTokenCount) {
    const auto g = gen(kPrompt);
    EXPECT_EQ(g.model, "phi") << "echoed as the request spelled it";
    EXPECT_TRUE(g.stream);
    EXPECT_EQ(g.tokens.size(), 20u);
    EXPECT_EQ(g.offsets.size(), 20u);
    EXPECT_EQ(g.offsets[0], std::chrono::milliseconds(200));
    EXPECT_EQ(g.done_reason, "stop");
    EXPECT_FALSE(g.context.empty());
    EXPECT_THAT(text(g), HasSubstr("Ana"));
    ASSERT_TRUE(g.record);
    EXPECT_EQ(g.record->prompt, kPrompt["prompt"]);
}

TEST_F(ApiTest, SameRequestSameTokensAndSeedChangesThem) {
    EXPECT_EQ(gen(kPrompt).tokens, gen(kPrompt).tokens);
    json seeded = kPrompt;
    seeded["options"] = {{"seed", 12345}};
    EXPECT_NE(gen(seeded).tokens, gen(kPrompt).tokens);
}

TEST_F(ApiTest, NumPredictCutsAndSaysLength) {
    json b = kPrompt;
    b["options"] = {{"num_predict", 4}};
    const auto g = gen(b);
    EXPECT_EQ(g.tokens.size(), 4u);
    EXPECT_EQ(g.done_reason, "length");
    EXPECT_EQ(gen(kPrompt).tokens[3], g.tokens[3]) << "a shorter answer is a prefix";
}

TEST_F(ApiTest, StopSequenceIsNeverEmitted) {
    const auto full = text(gen(kPrompt));
    const std::string stop = full.substr(12, 3);
    json b = kPrompt;
    b["options"] = {{"stop", json::array({stop})}};
    const auto cut = text(gen(b));
    EXPECT_EQ(cut, full.substr(0, full.find(stop)));
}

TEST_F(ApiTest, HeadersAndOptionsOverridePacing) {
    json b = kPrompt;
    b["options"] = {{"mock_tps", 10}, {"mock_tokens", 3}};
    const auto g = gen(b, {{"X-Mock-TTFT-Ms", "0"}});
    ASSERT_EQ(g.offsets.size(), 3u);
    EXPECT_EQ(g.offsets[0], std::chrono::nanoseconds(0));
    EXPECT_EQ(g.offsets[2], std::chrono::milliseconds(200));
}

TEST_F(ApiTest, FaultFromHeaderOptionsOrRule) {
    EXPECT_EQ(gen(kPrompt, {{"x-mock-fault", "reset:after=2"}}).fault.kind, FaultKind::reset);
    json b = kPrompt;
    b["options"] = {{"mock_fault", "close:after=1"}};
    EXPECT_EQ(gen(b).fault.kind, FaultKind::close);

    const auto cfg = reply("POST", "/_mock/config",
                           R"({"rules":[{"match":"Ana Lima","fault":"stall:after=1","count":1}]})");
    EXPECT_EQ(cfg.status, 200) << cfg.body;
    EXPECT_EQ(gen(kPrompt).fault.kind, FaultKind::stall);
    EXPECT_FALSE(gen(kPrompt).fault.active()) << "count 1 means once";
}

TEST_F(ApiTest, OnlyTheFirstMatchingRuleAppliesAndIsUsedUp) {
    const auto cfg = reply("POST", "/_mock/config",
                           R"({"rules":[{"match":"Ana","fault":"reset:after=1","count":1},
                                        {"match":"Ana","tps":5,"count":1}]})");
    ASSERT_EQ(cfg.status, 200) << cfg.body;
    const auto first = gen(kPrompt);
    EXPECT_EQ(first.fault.kind, FaultKind::reset);
    EXPECT_EQ(first.offsets[1] - first.offsets[0], std::chrono::milliseconds(20))
        << "default pacing";
    const auto second = gen(kPrompt);
    EXPECT_FALSE(second.fault.active());
    EXPECT_EQ(second.offsets[1] - second.offsets[0], std::chrono::milliseconds(200)) << "5 tok/s";
    const auto third = gen(kPrompt);
    EXPECT_EQ(third.offsets[1] - third.offsets[0], std::chrono::milliseconds(20));
}

TEST_F(ApiTest, HttpStatusFaultIsAnOllamaErrorReplyAndIsLogged) {
    const auto r = reply("POST", "/api/generate", kPrompt.dump(), {{"X-Mock-Fault", "http_429"}});
    EXPECT_EQ(r.status, 429);
    EXPECT_THAT(r.head, HasSubstr("Retry-After: 1"));
    EXPECT_TRUE(json::parse(r.body).contains("error"));
    const auto logged = log_.snapshot(0, 10, false)["requests"];
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_EQ(logged[0]["outcome"], "fault");
    EXPECT_EQ(logged[0]["status"], 429);
    EXPECT_EQ(stats_.to_json()["faults"]["http_status"], 1);
}

TEST_F(ApiTest, ErrorsAreOllamaShaped) {
    auto r = reply("POST", "/api/generate", R"({"model":"nope","prompt":"x"})");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(json::parse(r.body)["error"], "model 'nope' not found");
    r = reply("POST", "/api/generate", R"({"prompt":"x"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(json::parse(r.body)["error"], "model is required");
    r = reply("POST", "/api/generate", R"({"model":"phi","prompt":3})");
    EXPECT_EQ(json::parse(r.body)["error"],
              "json: cannot unmarshal number into Go struct field GenerateRequest.prompt of type "
              "string");
    r = reply("POST", "/api/chat", R"({"model":"phi","messages":"hi"})");
    EXPECT_EQ(r.status, 400);
    r = reply("POST", "/api/generate", "{\"model\":");
    EXPECT_EQ(r.status, 400);
    EXPECT_THAT(json::parse(r.body)["error"].get<std::string>(), HasSubstr("invalid JSON"));
    r = reply("POST", "/api/generate", "");
    EXPECT_EQ(json::parse(r.body)["error"], "missing request body");
    r = reply("POST", "/api/generate", kPrompt.dump(), {{"X-Mock-Fault", "boom"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_THAT(r.body, HasSubstr("valid faults"));
    r = reply("POST", "/api/generate", kPrompt.dump(), {{"X-Mock-TPS", "fast"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_THAT(r.body, HasSubstr("X-Mock-TPS must be a number"));
    EXPECT_EQ(reply("GET", "/api/nothing").status, 404);
    EXPECT_EQ(reply("GET", "/api/generate").status, 405);
    EXPECT_EQ(stats_.to_json()["bad_requests"], 10);
}

TEST_F(ApiTest, EmptyPromptLoadsTheModel) {
    const auto r = reply("POST", "/api/generate", R"({"model":"phi"})");
    EXPECT_EQ(r.status, 200);
    const auto j = json::parse(r.body);
    EXPECT_EQ(j["done_reason"], "load");
    EXPECT_EQ(j["done"], true);
}

TEST_F(ApiTest, ChatUsesAllMessagesAndOpenAiDefaultsToOneResponse) {
    const json chat = {{"model", "phi"},
                       {"messages",
                        {{{"role", "system"}, {"content", "be brief"}},
                         {{"role", "user"}, {"content", "Name: Bo Ek"}}}}};
    const auto g = gen(chat, {}, "/api/chat");
    EXPECT_EQ(g.kind, ApiKind::chat);
    EXPECT_EQ(g.record->prompt, "be brief\nName: Bo Ek");
    const auto o = gen(chat, {}, "/v1/chat/completions");
    EXPECT_EQ(o.kind, ApiKind::openai);
    EXPECT_FALSE(o.stream);
    EXPECT_EQ(o.model, "phi");
    EXPECT_EQ(o.completion_id.rfind("chatcmpl-", 0), 0u);
}

TEST_F(ApiTest, TagsShowPsAndEmbed) {
    const auto tags = json::parse(reply("GET", "/api/tags").body);
    ASSERT_EQ(tags["models"].size(), 4u);
    EXPECT_EQ(tags["models"][0]["digest"].get<std::string>().size(), 64u);
    EXPECT_EQ(reply("POST", "/api/show", R"({"model":"phi"})").status, 200);
    EXPECT_EQ(reply("POST", "/api/show", R"({"model":"x"})").status, 404);
    EXPECT_TRUE(json::parse(reply("GET", "/api/ps").body)["models"].empty());
    gen(kPrompt);
    EXPECT_EQ(json::parse(reply("GET", "/api/ps").body)["models"].size(), 1u);
    const auto e = json::parse(
        reply("POST", "/api/embed", R"({"model":"phi","input":["a b","a b","c"]})").body);
    ASSERT_EQ(e["embeddings"].size(), 3u);
    EXPECT_EQ(e["embeddings"][0], e["embeddings"][1]);
    EXPECT_NE(e["embeddings"][0], e["embeddings"][2]);
    EXPECT_EQ(reply("POST", "/api/embed", R"({"model":"phi","input":5})").status, 400);
    const auto legacy =
        json::parse(reply("POST", "/api/embeddings", R"({"model":"phi","prompt":"a"})").body);
    EXPECT_EQ(legacy["embedding"].size(), 384u);
}

TEST_F(ApiTest, ConfigResetRestoresTheStartingConfig) {
    EXPECT_EQ(reply("POST", "/_mock/config", R"({"tokens":2})").status, 200);
    EXPECT_EQ(gen(kPrompt).tokens.size(), 2u);
    const auto bad = reply("POST", "/_mock/config", R"({"tokenz":2})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_THAT(bad.body, HasSubstr("tokenz: unknown key"));
    EXPECT_EQ(reply("POST", "/_mock/reset").status, 200);
    EXPECT_EQ(gen(kPrompt).tokens.size(), 20u);
    EXPECT_EQ(json::parse(reply("GET", "/_mock/requests").body)["requests"].size(), 1u);
}

}  // namespace

namespace {

TEST_F(ApiTest, MockRequestsFilteredByPromptLinesOverPost) {
    gen(kPrompt);
    gen({{"model", "phi"}, {"prompt", "Name: Bo Chen\nSymptoms: none"}});
    const auto all = json::parse(reply("POST", "/_mock/requests", "{}").body)["requests"];
    EXPECT_EQ(all.size(), 2u);
    const auto bo = json::parse(
        reply("POST", "/_mock/requests", R"({"prompt_lines": ["Name: Bo Chen"], "tokens": false})")
            .body)["requests"];
    ASSERT_EQ(bo.size(), 1u);
    EXPECT_EQ(bo[0]["id"], 2);
    EXPECT_FALSE(bo[0].contains("tokens"));
    const auto bad = reply("POST", "/_mock/requests", R"({"prompt_lines": "Name: Bo Chen"})");
    EXPECT_EQ(bad.status, 400);
    EXPECT_THAT(bad.body, HasSubstr("prompt_lines: expected an array of strings"));
    EXPECT_EQ(reply("PUT", "/_mock/requests").status, 405);
}

TEST_F(ApiTest, MockClockGivesTheWallClockAndTheLastRequestId) {
    const auto before = common::wall_micros();
    auto clock = json::parse(reply("GET", "/_mock/clock").body);
    EXPECT_GE(clock["wall_us"].get<std::int64_t>(), before);
    EXPECT_LE(clock["wall_us"].get<std::int64_t>(), common::wall_micros());
    EXPECT_EQ(clock["last_id"], 0);
    gen(kPrompt);
    EXPECT_EQ(json::parse(reply("GET", "/_mock/clock").body)["last_id"], 1);
    EXPECT_EQ(reply("POST", "/_mock/clock", "{}").status, 405);
}

}  // namespace
