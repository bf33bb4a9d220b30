// Streamable HTTP cancellation against a real mcp-server: a client that closes its event
// stream mid-generation (2026-07-28 and a 2025 session) stops the upstream call at once and
// nothing is saved; notifications/cancelled in a 2025 session stops the call, and its stream
// gets no response.
#include <gmock/gmock.h>

#include "common/mcp_protocol.hpp"
#include "streamable_http_fixture.hpp"

namespace server_test {
namespace {

// 100 tokens at 40 per second: 2.5 s, long enough to cancel mid-stream.
const std::vector<std::string> kSlowMock = {"--ttft", "20", "--tps", "40", "--tokens", "100"};

class StreamableHttpCancel : public StreamableHttpTest {
  protected:
    void SetUp() override { start(kSlowMock); }

    // Sends `body` on `s` and reads the head and `n` events of its stream.
    static ::testing::AssertionResult started(HttpStream& s, RawResponse& head, const json& body,
                                              const std::vector<std::string>& headers,
                                              std::size_t n) {
        if (!s.send(test_support::mcp_post(body.dump(), headers))) {
            return ::testing::AssertionFailure() << "send failed";
        }
        head = s.read_head(5s);
        if (head.status != 200) return ::testing::AssertionFailure() << head.describe();
        for (std::size_t i = 0; i < n; ++i) {
            const auto e = s.next_event(head, 5s);
            if (!e) return ::testing::AssertionFailure() << "only " << i << " events";
            if (e->json().contains("result")) {
                return ::testing::AssertionFailure() << "finished early: " << e->data;
            }
        }
        return ::testing::AssertionSuccess();
    }

    // The upstream call of `patient` ended as client_closed within a second of now.
    void expect_upstream_stopped(const std::string& patient) {
        const auto t0 = Clock::now();
        const json record = settled_record(patient, 5s, false);
        EXPECT_EQ(record.value("outcome", ""), "client_closed") << record.dump().substr(0, 400);
        EXPECT_LT(Clock::now() - t0, 1s) << "the upstream call was not stopped promptly";
        EXPECT_LT(record.value("token_count", 0), 100);
        EXPECT_EQ(saved_summary(patient), "") << "a cancelled call saved something";
    }

    static json save_call(const json& id, const std::string& patient) {
        return McpClient::tool_params("generate_summary", {{"patient_id", patient}, {"save", true}},
                                      id);
    }
};

TEST_F(StreamableHttpCancel, ClosingAStatelessStreamStopsTheCall) {
    {
        HttpStream s(server().port());
        RawResponse head;
        ASSERT_TRUE(started(s, head, modern(1, "tools/call", save_call(1, "40")),
                            modern_headers("tools/call", "generate_summary"), 3));
    }
    expect_upstream_stopped("40");
    expect_still_serving();
}

TEST_F(StreamableHttpCancel, ClosingASessionStreamStopsTheCallAndTheSessionLives) {
    const std::string id = open_session();
    ASSERT_FALSE(id.empty());
    {
        HttpStream s(server().port());
        RawResponse head;
        ASSERT_TRUE(
            started(s, head, rpc(1, "tools/call", save_call(1, "41")), session_headers(id), 3));
    }
    expect_upstream_stopped("41");
    const auto list = post(rpc(2, "tools/list"), session_headers(id));
    EXPECT_EQ(list.status, 200) << list.describe();
    expect_still_serving();
}

TEST_F(StreamableHttpCancel, CancelledNotificationStopsTheCallAndEndsItsStream) {
    const std::string id = open_session();
    ASSERT_FALSE(id.empty());
    HttpStream s(server().port());
    RawResponse head;
    ASSERT_TRUE(started(s, head, rpc(7, "tools/call", save_call(7, "42")), session_headers(id), 3));
    const auto note =
        post(rpc(nullptr, "notifications/cancelled", {{"requestId", 7}}), session_headers(id));
    EXPECT_EQ(note.status, 202) << note.describe();
    expect_upstream_stopped("42");
    // Nothing more is sent for call 7: at most tokens already on their way, never its response,
    // and the stream ends instead of staying open.
    const auto t0 = Clock::now();
    while (auto e = s.next_event(head, 3s)) {
        EXPECT_FALSE(e->json().contains("result") || e->json().contains("error"))
            << "a response after cancel: " << e->data;
    }
    EXPECT_TRUE(head.complete || s.closed_by_peer(100ms))
        << "the cancelled call's event stream stayed open "
        << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count()
        << " ms after the cancel";
    expect_still_serving();
}

}  // namespace
}  // namespace server_test
