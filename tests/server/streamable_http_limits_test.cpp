// Streamable HTTP limits against a real mcp-server: --max-sessions, --session-idle-timeout,
// and a reader of an event stream that stops reading (dropped past --queue-limit, its call
// cancelled, others served).
#include <gmock/gmock.h>

#include <thread>

#include "common/mcp_protocol.hpp"
#include "streamable_http_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;
namespace mcp = common::mcp;

class StreamableHttpLimits : public StreamableHttpTest {};

TEST_F(StreamableHttpLimits, SessionsAboveMaxSessionsAre503) {
    start(kFastMock, {"--max-sessions", "2"});
    const std::string a = open_session();
    const std::string b = open_session();
    ASSERT_FALSE(a.empty() || b.empty());
    const auto third = post(rpc(1, "initialize", {{"protocolVersion", "2025-11-25"}}));
    EXPECT_EQ(third.status, 503) << third.describe();
    EXPECT_THAT(third.body, HasSubstr("--max-sessions"));
    EXPECT_EQ(third.header("Retry-After").value_or(""), "1");
    // Stateless requests need no session: still served.
    EXPECT_EQ(post(modern(2, "tools/list"), modern_headers("tools/list")).status, 200);
    // A place freed is reused.
    EXPECT_EQ(raw("DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nMcp-Session-Id: " + a +
                  "\r\nContent-Length: 0\r\n\r\n")
                  .status,
              200);
    expect_still_serving();
}

TEST_F(StreamableHttpLimits, IdleSessionEnds) {
    start(kFastMock, {"--session-idle-timeout", "0.6"});
    const std::string idle = open_session();
    const std::string busy = open_session();
    ASSERT_FALSE(idle.empty() || busy.empty());
    // `busy` is used more often than the timeout; `idle` is not.
    for (int i = 0; i < 12; ++i) {
        std::this_thread::sleep_for(100ms);  // the session's clock, not a synchronisation
        EXPECT_EQ(post(rpc(10 + i, "ping"), session_headers(busy)).status, 200) << i;
    }
    ASSERT_TRUE(wait_for_server_log("HTTP session " + idle + " ended: idle", 3s))
        << server().stderr_tail();
    const auto gone = post(rpc(2, "tools/list"), session_headers(idle));
    EXPECT_EQ(gone.status, 404) << gone.describe();
    EXPECT_EQ(post(rpc(3, "ping"), session_headers(busy)).status, 200);
}

TEST_F(StreamableHttpLimits, ReaderThatStopsReadingIsDroppedAndItsCallCancelled) {
    start(kFastMock, {"--queue-limit", "65536"});
    // About 16 MB of events, as fast as the mock can: more than the kernel buffers hold.
    mock().set_rules(json::array(
        {{{"match", name_match("70")}, {"tokens", 200000}, {"tps", 1e7}, {"ttft_ms", 0}}}));
    HttpStream stuck(server().port(), 4096);
    ASSERT_TRUE(stuck.connected());
    ASSERT_TRUE(stuck.send(test_support::mcp_post(
        modern(1, "tools/call",
               McpClient::tool_params("generate_summary", {{"patient_id", "70"}}, 1))
            .dump(),
        modern_headers("tools/call", "generate_summary"))));
    // Meanwhile another client's generation is served in full.
    const auto other =
        stream(modern(2, "tools/call",
                      McpClient::tool_params("generate_summary", {{"patient_id", "71"}}, 2)),
               modern_headers("tools/call", "generate_summary"));
    ASSERT_EQ(other.head.status, 200) << other.head.describe();
    ASSERT_FALSE(other.events.empty());
    EXPECT_TRUE(frames_of(other.events).back().is_response_to(2));

    EXPECT_TRUE(wait_for_server_log("dropped as too slow", 10s)) << server().stderr_tail();
    const json record = settled_record("70", 10s, false);
    EXPECT_EQ(record.value("outcome", ""), "client_closed") << record.dump().substr(0, 400);
    EXPECT_TRUE(stuck.closed_by_peer(10s)) << "the dropped reader's connection stayed open";
    expect_still_serving();
}

}  // namespace
}  // namespace server_test
