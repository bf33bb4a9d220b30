// Token relay of generate_summary: both stream forms deliver exactly the mock's tokens in
// the mock's order, as they are produced (not batched), and the final text is their trimmed
// concatenation.
#include <gmock/gmock.h>

#include "core/tools.hpp"
#include "server_fixture.hpp"

namespace server_test {
namespace {

class ServerStreaming : public ServerTest {};

TEST_F(ServerStreaming, LegacyTokenFramesMatchTheMockAndTheFinalText) {
    start({"--ttft", "20", "--tps", "300", "--tokens", "40", "--profile", "hostile"});
    auto c = connect();
    const json id = 41;
    const auto r = c->call_with_id(
        id, "tools/call", McpClient::tool_params("generate_summary", {{"patient_id", "5"}}), 10s);
    ASSERT_TRUE(r.has_result()) << r.describe();
    ASSERT_FALSE(r.is_tool_error()) << r.describe();
    const json record = settled_record("5");
    EXPECT_EQ(record.value("stream", false), true) << "upstream not asked to stream";
    EXPECT_EQ(record.value("outcome", ""), "completed");

    const auto tokens = token_frames(r.frames, StreamForm::legacy, id);
    EXPECT_EQ(tokens.size(), r.frames.size()) << "frames other than this call's tokens arrived";
    EXPECT_TRUE(stream_matches(tokens, StreamForm::legacy, id, record));
    ASSERT_FALSE(tokens.empty());

    const std::string streamed = concat(token_texts(tokens, StreamForm::legacy));
    EXPECT_EQ(streamed, record.value("text", "")) << "streamed text differs from the mock's";
    EXPECT_EQ(r.text(), core::generated_summary_text(patient("5"), core::trim_summary(streamed)));
    EXPECT_EQ(r.text(), expected_generated_text("5", record));
    EXPECT_GT(r.response.at, tokens.back().at - 1us) << "the response overtook a token";
}

TEST_F(ServerStreaming, ProgressNotificationsCarryTheTokenAndCount) {
    start({"--ttft", "20", "--tps", "300", "--tokens", "30"});
    auto c = connect();
    for (const json& token : {json("prog-7"), json(99)}) {
        const auto r = c->tool("generate_summary", {{"patient_id", "6"}}, 10s, token);
        ASSERT_TRUE(r.has_result()) << r.describe();
        ASSERT_FALSE(r.is_tool_error()) << r.describe();
        const json record = settled_record("6");
        const auto progress = token_frames(r.frames, StreamForm::progress, token);
        EXPECT_EQ(progress.size(), r.frames.size())
            << "frames other than progress notifications arrived, e.g. " << r.frames[0].text;
        EXPECT_TRUE(stream_matches(progress, StreamForm::progress, token, record));
        for (const auto& f : progress) EXPECT_EQ(f.json.value("jsonrpc", ""), "2.0") << f.text;
        EXPECT_EQ(r.text(), expected_generated_text("6", record));
    }
}

TEST_F(ServerStreaming, TokensArriveAsProducedNotBatched) {
    // 12 tokens, 20 per second: the stream spans 550 ms at the mock.
    start({"--ttft", "30", "--tps", "20", "--tokens", "12"});
    auto c = connect();
    const auto sent = Clock::now();
    const auto r = c->tool("generate_summary", {{"patient_id", "7"}}, 10s);
    ASSERT_TRUE(r.has_result()) << r.describe();
    const json record = settled_record("7");
    const auto tokens = token_frames(r.frames, StreamForm::legacy, r.json()["id"]);
    ASSERT_TRUE(stream_matches(tokens, StreamForm::legacy, r.json()["id"], record));
    const auto& mt = record["tokens"];
    ASSERT_EQ(mt.size(), 12u);

    // Time to first token: the mock's first-token delay plus a tolerance.
    const auto ttft = std::chrono::duration_cast<std::chrono::milliseconds>(tokens[0].at - sent);
    EXPECT_LE(ttft.count(), 30 + 250) << "first token after " << ttft.count() << " ms";
    // The first token came long before the final response.
    const auto lead =
        std::chrono::duration_cast<std::chrono::milliseconds>(r.response.at - tokens[0].at);
    EXPECT_GE(lead.count(), 400) << "first token only " << lead.count()
                                 << " ms before the response: batched?";
    // The client's span covers at least 90 % of the mock's emission span.
    const double mock_span = static_cast<double>(mt.back().value("t_us", std::int64_t{0}) -
                                                 mt.front().value("t_us", std::int64_t{0}));
    const double client_span = static_cast<double>(tokens.back().wall_us - tokens[0].wall_us);
    EXPECT_GE(client_span, 0.9 * mock_span)
        << "client span " << client_span << " us, mock span " << mock_span << " us";
    // Per-token relay lag (client arrival - mock emission, same wall clock).
    std::vector<double> lag_ms;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        lag_ms.push_back(
            static_cast<double>(tokens[i].wall_us - mt[i].value("t_us", std::int64_t{0})) / 1000.0);
    }
    EXPECT_GE(quantile(lag_ms, 0.0), -5.0) << "a token arrived before the mock sent it?";
    EXPECT_LE(quantile(lag_ms, 0.99), 150.0)
        << "p99 relay lag " << quantile(lag_ms, 0.99) << " ms, max " << quantile(lag_ms, 1.0);
}

}  // namespace
}  // namespace server_test
