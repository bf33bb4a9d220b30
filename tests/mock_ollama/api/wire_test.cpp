#include "mock_ollama/wire.hpp"

#include <cstdio>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace {

using namespace mock_ollama;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(Wire, GenerateTokenLineIsOneJsonObjectEndingInNewline) {
    const auto line = ndjson_token(ApiKind::generate, "phi:latest",
                                   "2024-01-01T00:00:00.000000001Z", " \"quoted\",\n");
    ASSERT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "exactly one line";
    const auto j = json::parse(line);
    EXPECT_EQ(j["model"], "phi:latest");
    EXPECT_EQ(j["response"], " \"quoted\",\n");
    EXPECT_EQ(j["done"], false);
    EXPECT_EQ(j["created_at"], "2024-01-01T00:00:00.000000001Z");
}

TEST(Wire, ChatTokenLineCarriesAnAssistantMessage) {
    const auto j = json::parse(ndjson_token(ApiKind::chat, "phi", "t", "Hi"));
    EXPECT_EQ(j["message"]["role"], "assistant");
    EXPECT_EQ(j["message"]["content"], "Hi");
    EXPECT_FALSE(j.contains("response"));
}

TEST(Wire, FinalObjectHasOllamaFieldsInOrder) {
    Metrics m{10, 1, 3, 2, 4, 5};
    const std::vector<int> ctx{1, 2};
    const auto dumped = final_object(ApiKind::generate, "phi", "t", "", "length", m, &ctx).dump();
    EXPECT_THAT(dumped, StartsWith("{\"model\":\"phi\",\"created_at\":\"t\",\"response\":\"\","
                                   "\"done\":true,\"done_reason\":\"length\",\"context\":[1,2],"
                                   "\"total_duration\":10"));
    const auto chat =
        json::parse(final_object(ApiKind::chat, "phi", "t", "", "stop", m, nullptr).dump());
    EXPECT_FALSE(chat.contains("context"));
    EXPECT_EQ(chat["eval_count"], 4);
}

TEST(Wire, MalformedLineIsNotJson) {
    const auto line = malformed_line(ApiKind::generate, "phi");
    EXPECT_TRUE(json::parse(line, nullptr, false).is_discarded());
    EXPECT_EQ(line.back(), '\n');
}

TEST(Wire, SseChunksFollowOpenAi) {
    const auto first = sse_token("chatcmpl-1", 5, "phi", "Hel", true);
    ASSERT_THAT(first, StartsWith("data: "));
    ASSERT_THAT(first, ::testing::EndsWith("\n\n"));
    const auto j = json::parse(first.substr(6));
    EXPECT_EQ(j["object"], "chat.completion.chunk");
    EXPECT_EQ(j["choices"][0]["delta"]["role"], "assistant");
    EXPECT_TRUE(j["choices"][0]["finish_reason"].is_null());
    const auto next = json::parse(sse_token("chatcmpl-1", 5, "phi", "lo", false).substr(6));
    EXPECT_FALSE(next["choices"][0]["delta"].contains("role"));
    const auto fin = json::parse(sse_finish("chatcmpl-1", 5, "phi", "stop").substr(6));
    EXPECT_EQ(fin["choices"][0]["finish_reason"], "stop");
    const auto usage = json::parse(sse_usage("chatcmpl-1", 5, "phi", 3, 4).substr(6));
    EXPECT_EQ(usage["usage"]["total_tokens"], 7);
    EXPECT_TRUE(usage["choices"].empty());
}

TEST(Wire, HttpFraming) {
    const auto head = http_head(200, "application/x-ndjson", std::nullopt);
    EXPECT_THAT(head, StartsWith("HTTP/1.1 200 OK\r\n"));
    EXPECT_THAT(head, HasSubstr("Transfer-Encoding: chunked\r\n"));
    EXPECT_THAT(head, ::testing::EndsWith("\r\n\r\n"));
    const auto r = http_error(429, "slow down", false, {{"Retry-After", "3"}});
    EXPECT_THAT(r, StartsWith("HTTP/1.1 429 Too Many Requests\r\n"));
    EXPECT_THAT(r, HasSubstr("Retry-After: 3\r\n"));
    EXPECT_THAT(r, HasSubstr("Content-Length: 21\r\n"));
    EXPECT_THAT(r, ::testing::EndsWith("{\"error\":\"slow down\"}"));
    std::string chunk;
    append_chunk(chunk, std::string(26, 'x'));
    EXPECT_EQ(chunk, "1a\r\n" + std::string(26, 'x') + "\r\n");
}

TEST(Wire, ChunkSizeIsLowercaseHexWithoutLeadingZeros) {
    for (const std::size_t n : {0u, 1u, 15u, 16u, 255u, 4096u, 0x12abcu}) {
        std::string chunk = "prefix";
        append_chunk(chunk, std::string(n, 'y'));
        char expected[32];
        std::snprintf(expected, sizeof expected, "%zx\r\n", n);
        EXPECT_EQ(chunk, "prefix" + std::string(expected) + std::string(n, 'y') + "\r\n") << n;
    }
}

TEST(Wire, AppendedTokenLineEqualsTheAllocatingForm) {
    const auto t = common::SystemClock::time_point(std::chrono::nanoseconds(1704067199999999999LL));
    for (const auto kind : {ApiKind::generate, ApiKind::chat}) {
        std::string out = "keep";
        append_ndjson_token(out, kind, "phi:latest", t, "caf\u00e9 \"x\",\n");
        EXPECT_EQ(out, "keep" + ndjson_token(kind, "phi:latest", common::rfc3339_nanos(t),
                                             "caf\u00e9 \"x\",\n"));
    }
}

}  // namespace
