// Keep-alive: pings every 0.1 s, peers silent for 0.5 s dropped, unless a generation is
// streaming to them.
#include <gmock/gmock.h>

#include "server_fixture.hpp"

namespace server_test {
namespace {

class ServerKeepAlive : public ServerTest {
  protected:
    void SetUp() override {
        // 15 tokens at 10 per second: a 1.4 s generation, almost three pong timeouts.
        start({"--ttft", "20", "--tps", "10", "--tokens", "15"},
              {"--ping-interval", "0.1", "--pong-timeout", "0.5"});
    }
};

TEST_F(ServerKeepAlive, ClientThatAnswersPingsStaysConnected) {
    auto c = connect();
    const auto until = Clock::now() + 2s;
    // Reading (and so answering pings) for 2 s; nothing but pings should come.
    while (Clock::now() < until) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        if (left.count() <= 0) break;
        if (auto f = c->recv(left)) FAIL() << "unexpected: " << f->describe();
    }
    EXPECT_TRUE(c->is_open());
    EXPECT_GE(c->pings_received(), 8u) << "pings every 0.1 s for 2 s";
    const auto ping = c->call("ping");
    EXPECT_TRUE(ping.has_result()) << ping.describe();
}

TEST_F(ServerKeepAlive, SilentIdleClientIsDropped) {
    auto c = connect();
    // Not reading: pings go unanswered. The server notices after the pong timeout.
    ASSERT_TRUE(wait_for_server_log("no answer to pings", 5s))
        << "an idle client that never answers was not dropped";
    const auto frames = c->drain(2s);
    ASSERT_FALSE(frames.empty());
    EXPECT_FALSE(frames.back().is_message()) << "still connected: " << frames.back().describe();
}

TEST_F(ServerKeepAlive, LongGenerationIsNotDroppedWhileTheClientDoesNotRead) {
    auto c = connect();
    ASSERT_TRUE(c->start_call(5, "tools/call",
                              McpClient::tool_params("generate_summary", {{"patient_id", "65"}})));
    // The client neither reads nor answers pings while the mock streams (1.4 s, longer than
    // the pong timeout); the mock's log tells when the stream is over.
    const json record = settled_record("65", 10s);
    ASSERT_EQ(record.value("outcome", ""), "completed") << record;
    const auto r = c->await_response(5, 5s);
    ASSERT_TRUE(r.has_result()) << "dropped while busy streaming: " << r.describe();
    EXPECT_TRUE(stream_matches(token_frames(r.frames, StreamForm::legacy, 5), StreamForm::legacy, 5,
                               record));
    EXPECT_EQ(r.text(), expected_generated_text("65", record));
}

}  // namespace
}  // namespace server_test
