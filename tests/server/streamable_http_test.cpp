// Streamable HTTP, 2025-11-25 sessions, against a real mcp-server: the whole lifecycle
// (initialize, a streamed tools/call, a second session, DELETE) and every HTTP-level refusal,
// each followed by a request that must still be served.
#include <gmock/gmock.h>

#include "common/mcp_protocol.hpp"
#include "streamable_http_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;
namespace mcp = common::mcp;

class StreamableHttp2025 : public StreamableHttpTest {
  protected:
    void SetUp() override { start(kPacedMock, {"--max-message", "65536"}); }
};

TEST_F(StreamableHttp2025, WholeLifecycleWithAStreamedCallAndTwoSessions) {
    const auto init = post(rpc(1, "initialize",
                               {{"protocolVersion", "2025-11-25"},
                                {"capabilities", json::object()},
                                {"clientInfo", {{"name", "t"}, {"version", "1"}}}}));
    ASSERT_EQ(init.status, 200) << init.describe();
    EXPECT_THAT(init.header("Content-Type").value_or(""), HasSubstr("application/json"));
    EXPECT_EQ(init.json()["result"]["protocolVersion"], "2025-11-25") << init.describe();
    const std::string id = init.header(mcp::kHeaderSessionId).value_or("");
    ASSERT_FALSE(id.empty()) << init.describe();
    for (const char c : id) EXPECT_TRUE(c >= 0x21 && c <= 0x7E) << "session id " << id;

    const auto initialized = post(rpc(nullptr, "notifications/initialized"), session_headers(id));
    EXPECT_EQ(initialized.status, 202) << initialized.describe();
    EXPECT_TRUE(initialized.body.empty()) << initialized.describe();

    const auto list = post(rpc(2, "tools/list"), session_headers(id));
    ASSERT_EQ(list.status, 200) << list.describe();
    EXPECT_EQ(list.json()["id"], 2);
    EXPECT_EQ(list.json()["result"]["tools"].size(), 4u) << list.describe();

    const auto other = open_session();
    ASSERT_FALSE(other.empty());
    EXPECT_NE(other, id);

    const json token = "tok-1";
    const auto call =
        stream(rpc(3, "tools/call",
                   McpClient::tool_params("generate_summary", {{"patient_id", "10"}}, token)),
               session_headers(id));
    ASSERT_EQ(call.head.status, 200) << call.head.describe();
    EXPECT_EQ(call.head.header("Content-Type").value_or(""), "text/event-stream");
    ASSERT_TRUE(call.head.complete) << "the stream did not end; " << call.head.describe();
    ASSERT_GE(call.events.size(), 2u) << call.head.describe();
    const auto frames = frames_of(call.events);
    const auto& last = frames.back();
    EXPECT_TRUE(last.is_response_to(3)) << last.text;
    const json record = settled_record("10");
    EXPECT_EQ(last.json["result"]["content"][0]["text"], expected_generated_text("10", record));
    const auto progress = token_frames(frames, StreamForm::progress, token);
    EXPECT_EQ(progress.size() + 1, frames.size()) << "only progress, then the response";
    EXPECT_TRUE(stream_matches(progress, StreamForm::progress, token, record));
    // Written as they came: the first token long before the last.
    ASSERT_FALSE(progress.empty());
    EXPECT_GT(progress.back().at - progress.front().at, 500ms)
        << "tokens were not streamed one by one";

    // The other session is its own: it answers, and DELETE of the first does not end it.
    const auto del = raw("DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nMcp-Session-Id: " + id +
                         "\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(del.status, 200) << del.describe();
    const auto gone = post(rpc(4, "tools/list"), session_headers(id));
    EXPECT_EQ(gone.status, 404) << gone.describe();
    EXPECT_THAT(gone.body, HasSubstr("Session not found"));
    const auto gone_note = post(rpc(nullptr, "notifications/initialized"), session_headers(id));
    EXPECT_EQ(gone_note.status, 404) << gone_note.describe();
    const auto again = raw("DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nMcp-Session-Id: " + id +
                           "\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(again.status, 404) << again.describe();
    const auto still = post(rpc(5, "tools/list"), session_headers(other));
    EXPECT_EQ(still.status, 200) << still.describe();
}

TEST_F(StreamableHttp2025, MissingOrUnknownSessionIdIsRefused) {
    const auto none = post(rpc(1, "tools/list"));
    EXPECT_EQ(none.status, 400) << none.describe();
    EXPECT_EQ(none.json()["error"]["code"], -32600) << none.describe();
    EXPECT_THAT(none.body, HasSubstr("Mcp-Session-Id header is required"));

    const auto unknown = post(rpc(1, "tools/list"), session_headers("no-such-session"));
    EXPECT_EQ(unknown.status, 404) << unknown.describe();
    const auto del = raw("DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(del.status, 400) << del.describe();
    expect_still_serving();
}

TEST_F(StreamableHttp2025, VersionHeaderInsideASession) {
    const std::string id = open_session();
    ASSERT_FALSE(id.empty());
    const auto bad =
        post(rpc(2, "tools/list"), {"Mcp-Session-Id: " + id, "MCP-Protocol-Version: 1999-01-01"});
    EXPECT_EQ(bad.status, 400) << bad.describe();
    EXPECT_THAT(bad.body, HasSubstr("1999-01-01"));
    // Clients send the revision they were built for (the conformance suite sends 2025-03-26
    // in a 2025-11-25 session): any 2025 revision is taken.
    for (const char* v : {"2025-03-26", "2025-06-18", "2024-11-05", "2025-11-25"}) {
        const auto ok = post(rpc(3, "tools/list"),
                             {"Mcp-Session-Id: " + id, std::string("MCP-Protocol-Version: ") + v});
        EXPECT_EQ(ok.status, 200) << v << ": " << ok.describe();
    }
    const auto without = post(rpc(4, "tools/list"), {"Mcp-Session-Id: " + id});
    EXPECT_EQ(without.status, 200) << without.describe();
}

TEST_F(StreamableHttp2025, HttpLevelRefusalsAreClearAndTheServerKeepsServing) {
    const auto get = raw("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(get.status, 405) << get.describe();
    EXPECT_EQ(get.header("Allow").value_or(""), "POST, DELETE") << get.describe();
    const auto put = raw("PUT /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}");
    EXPECT_EQ(put.status, 405) << put.describe();

    const std::string body = rpc(1, "initialize", {{"protocolVersion", "2025-11-25"}}).dump();
    const auto type =
        raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            "Accept: application/json, text/event-stream\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(type.status, 415) << type.describe();
    const auto no_type = raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(no_type.status, 415) << no_type.describe();
    const auto accept =
        raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            "Accept: application/json\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(accept.status, 406) << accept.describe();

    const auto malformed = raw(test_support::mcp_post("{\"jsonrpc\": \"2.0\", \"id\": 1,"));
    EXPECT_EQ(malformed.status, 400) << malformed.describe();
    EXPECT_EQ(malformed.json()["error"]["code"], -32700) << malformed.describe();
    const auto batch = post(json::array(
        {rpc(1, "initialize", {{"protocolVersion", "2025-11-25"}}), rpc(2, "tools/list")}));
    EXPECT_EQ(batch.status, 400) << batch.describe();
    EXPECT_EQ(batch.json()["error"]["code"], -32600) << batch.describe();

    const auto big = raw(test_support::mcp_post(std::string(70000, ' ') + body));
    EXPECT_EQ(big.status, 413) << big.describe();
    EXPECT_THAT(big.body, HasSubstr("--max-message"));
    const auto headers =
        raw(test_support::mcp_post(body, {"X-Filler: " + std::string(17 * 1024, 'h')}));
    EXPECT_EQ(headers.status, 431) << headers.describe();

    const auto metrics = raw("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(metrics.status, 200) << metrics.describe();
    EXPECT_THAT(metrics.header("Content-Type").value_or(""), HasSubstr("text/plain"));
    EXPECT_THAT(metrics.body, HasSubstr("\nmcp_server_"));
    const auto unknown = raw("GET /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(unknown.status, 404) << unknown.describe();
    const auto unknown_post =
        raw("POST /mcpx HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    EXPECT_EQ(unknown_post.status, 404) << unknown_post.describe();
    expect_still_serving();
}

TEST_F(StreamableHttp2025, ManyRequestsOnOneKeptAliveConnection) {
    const std::string id = open_session();
    ASSERT_FALSE(id.empty());
    HttpStream s(server().port());
    for (int i = 0; i < 50; ++i) {
        const auto r = s.exchange(test_support::mcp_post(
            rpc(100 + i, i % 2 == 0 ? "tools/list" : "ping").dump(), session_headers(id)));
        ASSERT_EQ(r.status, 200) << "request " << i << ": " << r.describe();
        EXPECT_EQ(r.json()["id"], 100 + i) << r.describe();
        EXPECT_FALSE(r.header("Connection").has_value()) << r.describe();
    }
    // A streamed answer on the same connection, then a plain one again.
    const auto call =
        s.exchange(test_support::mcp_post(
                       rpc(200, "tools/call",
                           McpClient::tool_params("generate_summary", {{"patient_id", "11"}}, 9))
                           .dump(),
                       session_headers(id)),
                   10s);
    ASSERT_EQ(call.status, 200) << call.describe();
    EXPECT_TRUE(call.chunked && call.complete) << call.describe();
    EXPECT_THAT(call.body, HasSubstr("\"id\":200"));
    const auto after =
        s.exchange(test_support::mcp_post(rpc(201, "ping").dump(), session_headers(id)));
    EXPECT_EQ(after.status, 200) << after.describe();
}

}  // namespace
}  // namespace server_test
