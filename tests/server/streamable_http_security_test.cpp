// Streamable HTTP security against a real mcp-server: foreign Origin and Host headers are
// refused 403 (DNS rebinding), loopback origins and --allowed-origins pass, --auth-token
// requires a bearer token; the WebSocket upgrade passes the same checks.
#include <gmock/gmock.h>

#include "common/mcp_protocol.hpp"
#include "streamable_http_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;

class StreamableHttpSecurity : public StreamableHttpTest {
  protected:
    void SetUp() override { start(kFastMock); }

    RawResponse initialize_with(const std::vector<std::string>& headers) {
        return post(rpc(1, "initialize", {{"protocolVersion", "2025-11-25"}}), headers);
    }

    // The WebSocket handshake's answer (its head only).
    RawResponse upgrade_with(const std::vector<std::string>& headers,
                             const std::string& host = "127.0.0.1") {
        std::string req = "GET /mcp HTTP/1.1\r\nHost: " + host +
                          "\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n";
        for (const auto& h : headers) req += h + "\r\n";
        HttpStream s(server().port());
        s.send(req + "\r\n");
        return s.read_head(5s);
    }
};

TEST_F(StreamableHttpSecurity, ForeignOriginAndHostAre403AndLoopbackOriginsPass) {
    const auto evil = initialize_with({"Origin: http://evil.example"});
    EXPECT_EQ(evil.status, 403) << evil.describe();
    EXPECT_THAT(evil.body, HasSubstr("--allowed-origins"));
    EXPECT_EQ(upgrade_with({"Origin: http://evil.example"}).status, 403);
    const auto host =
        raw("POST /mcp HTTP/1.1\r\nHost: evil.example\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    EXPECT_EQ(host.status, 403) << host.describe();
    EXPECT_EQ(upgrade_with({}, "evil.example:80").status, 403);

    for (const char* origin : {"http://localhost:5173", "http://127.0.0.1", "http://[::1]:8080"}) {
        const auto ok = initialize_with({std::string("Origin: ") + origin});
        EXPECT_EQ(ok.status, 200) << origin << ": " << ok.describe();
    }
    EXPECT_EQ(upgrade_with({"Origin: http://localhost:5173"}).status, 101);
    expect_still_serving();
}

// RFC 9112 3.2: more than one Host is a bad request. The guard reads one of them, so a second,
// foreign one must not slip past it (on the upgrade too).
TEST_F(StreamableHttpSecurity, TwoHostHeadersAre400) {
    const auto two =
        raw("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example:80\r\n"
            "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    EXPECT_EQ(two.status, 400) << two.describe();
    EXPECT_THAT(two.body, HasSubstr("Host"));
    EXPECT_EQ(upgrade_with({"Host: evil.example:80"}).status, 400);
    expect_still_serving();
}

TEST_F(StreamableHttpSecurity, AllowedOriginsAddToLoopback) {
    restart_server({"--allowed-origins", "https://app.example"});
    EXPECT_EQ(initialize_with({"Origin: https://app.example"}).status, 200);
    EXPECT_EQ(initialize_with({"Origin: http://localhost:3000"}).status, 200);
    EXPECT_EQ(initialize_with({"Origin: https://evil.example"}).status, 403);
    EXPECT_EQ(upgrade_with({"Origin: https://app.example"}).status, 101);
    expect_still_serving();
}

TEST_F(StreamableHttpSecurity, AuthTokenIsRequiredOnHttpAndWebSocket) {
    restart_server({"--auth-token", "secret"});
    const auto none = initialize_with({});
    EXPECT_EQ(none.status, 401) << none.describe();
    EXPECT_THAT(none.header("WWW-Authenticate").value_or(""), HasSubstr("Bearer"));
    const auto wrong = initialize_with({"Authorization: Bearer secreT"});
    EXPECT_EQ(wrong.status, 401) << wrong.describe();
    EXPECT_THAT(wrong.header("WWW-Authenticate").value_or(""), HasSubstr("Bearer"));
    EXPECT_EQ(initialize_with({"Authorization: Basic c2VjcmV0"}).status, 401);
    const auto right = initialize_with({"Authorization: Bearer secret"});
    EXPECT_EQ(right.status, 200) << right.describe();
    EXPECT_EQ(raw("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status, 401);

    EXPECT_EQ(upgrade_with({}).status, 401);
    EXPECT_EQ(upgrade_with({"Authorization: Bearer nope"}).status, 401);
    EXPECT_EQ(upgrade_with({"Authorization: Bearer secret"}).status, 101);

    // Still serving, with the token.
    const auto again =
        post(modern(2, "tools/list"), {"MCP-Protocol-Version: 2026-07-28", "Mcp-Method: tools/list",
                                       "Authorization: Bearer secret"});
    EXPECT_EQ(again.status, 200) << again.describe();
}

}  // namespace
}  // namespace server_test
