// Cancellation: notifications/cancelled mid-stream, and a client that goes away mid-stream,
// both abort the upstream Ollama request; nothing more is sent for the call and nothing is
// saved.
#include <gmock/gmock.h>

#include "server_fixture.hpp"

namespace server_test {
namespace {

// 100 tokens at 40 per second: a generation lasts 2.5 s, long enough to cancel mid-stream.
const std::vector<std::string> kSlowMock = {"--ttft", "20", "--tps", "40", "--tokens", "100"};

class ServerCancellation : public ServerTest {
  protected:
    void SetUp() override { start(kSlowMock); }

    // Receives until `n` token frames of call `id` arrived; false on timeout.
    static ::testing::AssertionResult await_tokens(McpClient& c, const json& id, std::size_t n) {
        std::size_t seen = 0;
        const auto deadline = Clock::now() + 5s;
        while (seen < n) {
            const auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            auto f = left.count() > 0 ? c.recv(left) : std::nullopt;
            if (!f) return ::testing::AssertionFailure() << "only " << seen << " tokens in 5 s";
            if (!f->is_message()) return ::testing::AssertionFailure() << f->describe();
            if (f->is_response_to(id)) {
                return ::testing::AssertionFailure() << "finished early: " << f->text;
            }
            if (f->is_token() && f->json["id"] == id) ++seen;
        }
        return ::testing::AssertionSuccess();
    }
};

TEST_F(ServerCancellation, CancelledMidStreamStopsTokensSavesNothingAndAbortsUpstream) {
    auto c = connect();
    const json id = 7;
    ASSERT_TRUE(c->start_call(
        id, "tools/call",
        McpClient::tool_params("generate_summary", {{"patient_id", "40"}, {"save", true}})));
    ASSERT_TRUE(await_tokens(*c, id, 3));
    ASSERT_TRUE(c->notify("notifications/cancelled", {{"requestId", id}, {"reason", "test"}}));
    // The server handles a connection's messages in order: once the ping is answered, the
    // cancellation has been processed and no token of call 7 may follow.
    const auto ping = c->call_with_id(8, "ping", nullptr);
    ASSERT_TRUE(ping.has_result()) << ping.describe();
    for (const auto& f : ping.frames) EXPECT_FALSE(f.is_response_to(id)) << f.text;

    const json record = settled_record("40", 5s);
    EXPECT_EQ(record.value("outcome", ""), "client_closed")
        << "upstream not aborted; mock record: " << record.dump().substr(0, 400);
    EXPECT_LT(record.value("token_count", 0), 100);

    // Past the moment the upstream ended: still nothing for call 7, and the connection works.
    const auto after = c->call_with_id(9, "ping", nullptr);
    ASSERT_TRUE(after.has_result()) << after.describe();
    for (const auto& f : after.frames) {
        EXPECT_FALSE(f.is_response_to(id)) << "response to a cancelled call: " << f.text;
        EXPECT_FALSE(f.is_token() && f.json["id"] == id) << "token after cancel: " << f.text;
    }
    for (const auto& f : c->drain(300ms)) {
        EXPECT_FALSE(f.is_response_to(id) || f.is_token()) << "after cancel: " << f.describe();
    }
    EXPECT_EQ(saved_summary("40"), "") << "a cancelled call saved something";
    const auto got = c->tool("get_patient_summary", {{"patient_id", "40"}});
    EXPECT_THAT(got.text(), ::testing::HasSubstr("No summary yet")) << got.describe();

    // The same id can be used again and completes normally.
    mock().configure({{"tokens", 10}, {"tps", 500}});
    const auto again = c->call_with_id(
        id, "tools/call", McpClient::tool_params("generate_summary", {{"patient_id", "40"}}), 10s);
    ASSERT_TRUE(again.has_result()) << again.describe();
    EXPECT_EQ(again.text(), expected_generated_text("40", settled_record("40")));
}

TEST_F(ServerCancellation, ClosingTheConnectionMidStreamAbortsUpstream) {
    {
        auto c = connect();
        ASSERT_TRUE(c->start_call(
            3, "tools/call",
            McpClient::tool_params("generate_summary", {{"patient_id", "41"}, {"save", true}})));
        ASSERT_TRUE(await_tokens(*c, 3, 2));
        c->close();
    }
    {
        auto c = connect();
        ASSERT_TRUE(c->start_call(
            4, "tools/call",
            McpClient::tool_params("generate_summary", {{"patient_id", "42"}, {"save", true}})));
        ASSERT_TRUE(await_tokens(*c, 4, 2));
        c->abort();  // no close frame: the TCP connection just goes
    }
    for (const std::string id : {"41", "42"}) {
        const json record = settled_record(id, 5s);
        EXPECT_EQ(record.value("outcome", ""), "client_closed")
            << id << ": upstream not aborted; " << record.dump().substr(0, 400);
        EXPECT_LT(record.value("token_count", 0), 100) << id;
    }
    const auto stats = mock().stats();
    EXPECT_EQ(saved_summary("41"), "");
    EXPECT_EQ(saved_summary("42"), "");
    auto c = connect();
    EXPECT_TRUE(c->call("ping").has_result()) << "server stopped serving; mock stats " << stats;
}

}  // namespace
}  // namespace server_test
