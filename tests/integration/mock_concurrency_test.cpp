// Many streams at once on one mock: each completes with its own tokens, in order, and the
// streams really overlapped.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "mock_fixture.hpp"

namespace mock_test {
namespace {

using nlohmann::json;

TEST(Concurrency, FiftyStreamsAtOnceEachGetTheirOwnTokens) {
    // The first token comes 500 ms after each request: time enough for all 50 to arrive
    // before any of them emits.
    MockProcess mock({"--time-scale", "0.1", "--ttft", "5000", "--tps", "200", "--tokens", "6"});
    constexpr int kStreams = 50;
    std::vector<Request> requests;
    std::vector<std::string> prompts;
    for (int i = 0; i < kStreams; ++i) {
        prompts.push_back("Name: Patient " + std::to_string(i) + "\nSymptoms: cough, fever");
        const bool chat = i % 2 == 1;
        const json body = chat ? chat_body(prompts.back(), {{"options", {{"seed", i}}}})
                               : generate_body(prompts.back(), {{"options", {{"seed", i}}}});
        requests.push_back({.method = "POST",
                            .path = chat ? "/api/chat" : "/api/generate",
                            .body = body.dump(),
                            .timeout = std::chrono::seconds(15)});
    }
    auto http = mock.client();
    const auto responses = http.perform_concurrently(requests);

    std::map<std::string, json> logged;  // by prompt
    const auto log = mock.requests();
    for (const auto& e : log) logged[e["prompt"].get<std::string>()] = e;
    ASSERT_EQ(logged.size(), static_cast<std::size_t>(kStreams));

    std::set<std::string> texts;
    for (int i = 0; i < kStreams; ++i) {
        SCOPED_TRACE("stream " + std::to_string(i));
        const auto& r = responses[static_cast<std::size_t>(i)];
        ASSERT_TRUE(r.ok() && r.status == 200) << r.describe();
        const auto objects = parse_records(r.lines());
        ASSERT_EQ(objects.size(), 7u) << r.body;
        const auto& e = logged.at(prompts[static_cast<std::size_t>(i)]);
        const auto expected = token_texts(e);
        ASSERT_EQ(expected.size(), 6u);
        for (std::size_t t = 0; t < expected.size(); ++t) {
            const auto& o = objects[t];
            const json got = i % 2 == 1 ? o["message"]["content"] : o["response"];
            EXPECT_EQ(got, expected[t]) << "token " << t;
        }
        EXPECT_EQ(objects.back()["done"], true);
        EXPECT_EQ(objects.back()["eval_count"], 6);
        EXPECT_EQ(e["outcome"], "completed");
        texts.insert(e["text"].get<std::string>());
    }
    EXPECT_GT(texts.size(), 1u) << "every stream got the same text";

    // They overlapped: every request was in before the first token of any left.
    std::int64_t last_received = 0, first_emitted = INT64_MAX;
    for (const auto& e : log) {
        last_received = std::max(last_received, e["received_us"].get<std::int64_t>());
        first_emitted = std::min(first_emitted, e["tokens"][0]["t_us"].get<std::int64_t>());
    }
    EXPECT_LT(last_received, first_emitted);

    const auto s = mock.stats();
    EXPECT_EQ(s["generations"], kStreams);
    EXPECT_EQ(s["tokens"], kStreams * 6);
    EXPECT_EQ(s["active_streams"], 0);
    EXPECT_EQ(s["clients_gone"], 0);
    EXPECT_EQ(s["lateness_ms"]["count"], kStreams * 6);
}

}  // namespace
}  // namespace mock_test
