// Streamable HTTP, 2026-07-28 (stateless), against a real mcp-server: server/discover, cached
// lists, a streamed tools/call, and each header or `_meta` error with the HTTP status and
// JSON-RPC code the revision gives it; the server keeps serving after each.
#include <gmock/gmock.h>

#include "common/mcp_protocol.hpp"
#include "streamable_http_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;
namespace mcp = common::mcp;

class StreamableHttpStateless : public StreamableHttpTest {
  protected:
    void SetUp() override { start(kPacedMock); }

    // `r` is a 400 whose body is the JSON-RPC error `code` for request `id`.
    static void expect_error(const RawResponse& r, int status, int code, const json& id,
                             const std::string& text = "") {
        EXPECT_EQ(r.status, status) << r.describe();
        const json body = r.json();
        EXPECT_EQ(body["error"]["code"], code) << r.describe();
        EXPECT_EQ(body["id"], id) << r.describe();
        if (!text.empty()) {
            EXPECT_THAT(r.body, HasSubstr(text));
        }
    }

    static std::string header_line(std::string_view name, const std::string& value) {
        return std::string(name) + ": " + value;
    }
};

TEST_F(StreamableHttpStateless, DiscoverAndToolsListCarryCachingAndResultType) {
    const auto discover = post(modern(1, "server/discover"), modern_headers("server/discover"));
    ASSERT_EQ(discover.status, 200) << discover.describe();
    const json d = discover.json()["result"];
    EXPECT_THAT(d["supportedVersions"].dump(), HasSubstr("\"2026-07-28\"")) << d;
    EXPECT_THAT(d["supportedVersions"].dump(), HasSubstr("\"2025-11-25\"")) << d;
    EXPECT_TRUE(d["capabilities"].contains("tools")) << d;
    EXPECT_EQ(d["resultType"], "complete") << d;
    EXPECT_FALSE(discover.header(mcp::kHeaderSessionId)) << "a stateless answer minted a session";

    const auto list = post(modern(2, "tools/list"), modern_headers("tools/list"));
    ASSERT_EQ(list.status, 200) << list.describe();
    const json l = list.json()["result"];
    EXPECT_EQ(l["tools"].size(), 4u) << l;
    EXPECT_TRUE(l["ttlMs"].is_number_integer() && l["ttlMs"].get<long>() > 0) << l;
    EXPECT_TRUE(l["cacheScope"] == "public" || l["cacheScope"] == "private") << l;
    EXPECT_EQ(l["resultType"], "complete") << l;
    EXPECT_TRUE(l["_meta"].contains(mcp::kMetaServerInfo)) << l;
}

TEST_F(StreamableHttpStateless, ToolsCallStreamsProgressThenTheResult) {
    const json token = 77;
    json params = McpClient::tool_params("generate_summary", {{"patient_id", "12"}}, token);
    const auto call =
        stream(modern(5, "tools/call", params), modern_headers("tools/call", "generate_summary"));
    ASSERT_EQ(call.head.status, 200) << call.head.describe();
    EXPECT_EQ(call.head.header("Content-Type").value_or(""), "text/event-stream");
    ASSERT_TRUE(call.head.complete) << call.head.describe();
    ASSERT_GE(call.events.size(), 2u);
    const auto frames = frames_of(call.events);
    ASSERT_TRUE(frames.back().is_response_to(5)) << frames.back().text;
    const json result = frames.back().json["result"];
    EXPECT_EQ(result["resultType"], "complete") << result;
    const json record = settled_record("12");
    EXPECT_EQ(result["content"][0]["text"], expected_generated_text("12", record));
    const auto progress = token_frames(frames, StreamForm::progress, token);
    EXPECT_EQ(progress.size() + 1, frames.size());
    EXPECT_TRUE(stream_matches(progress, StreamForm::progress, token, record));
    ASSERT_FALSE(progress.empty());
    EXPECT_GT(progress.back().at - progress.front().at, 500ms) << "not streamed one by one";
}

TEST_F(StreamableHttpStateless, HeaderMismatchesAre400With32020) {
    const json list = modern(1, "tools/list");
    expect_error(post(list, {header_line(mcp::kHeaderMethod, "tools/list")}), 400,
                 mcp::kHeaderMismatch, 1, "MCP-Protocol-Version header is required");
    expect_error(post(list, {header_line(mcp::kHeaderProtocolVersion, "2025-11-25"),
                             header_line(mcp::kHeaderMethod, "tools/list")}),
                 400, mcp::kHeaderMismatch, 1, "does not match body value");
    expect_error(post(list, modern_headers("tools/call")), 400, mcp::kHeaderMismatch, 1,
                 "Mcp-Method header value 'tools/call'");
    expect_error(post(list, {header_line(mcp::kHeaderProtocolVersion, "2026-07-28")}), 400,
                 mcp::kHeaderMismatch, 1, "Mcp-Method header is required");

    const json get = modern(2, "tools/call",
                            McpClient::tool_params("get_patient_summary", {{"patient_id", "1"}}));
    expect_error(post(get, modern_headers("tools/call")), 400, mcp::kHeaderMismatch, 2,
                 "Mcp-Name header is required");
    expect_error(post(get, modern_headers("tools/call", "generate_summary")), 400,
                 mcp::kHeaderMismatch, 2, "does not match");
    // "generate_summary" in Base64: decoded, it still does not match.
    expect_error(post(get, modern_headers("tools/call", "=?base64?Z2VuZXJhdGVfc3VtbWFyeQ==?=")),
                 400, mcp::kHeaderMismatch, 2, "does not match");
    expect_error(post(get, modern_headers("tools/call", "=?base64?Z2VuZXJhdGU?=")), 400,
                 mcp::kHeaderMismatch, 2, "not valid Base64");
    // "get_patient_summary" in Base64 matches.
    const auto ok =
        post(get, modern_headers("tools/call", "=?base64?Z2V0X3BhdGllbnRfc3VtbWFyeQ==?="));
    EXPECT_EQ(ok.status, 200) << ok.describe();
    EXPECT_THAT(ok.body, HasSubstr("Patient ID: 1\\n"));
    expect_still_serving();
}

TEST_F(StreamableHttpStateless, VersionAndMetaErrors) {
    json old = rpc(1, "tools/list",
                   {{"_meta",
                     {{mcp::kMetaProtocolVersion, "1999-01-01"},
                      {mcp::kMetaClientCapabilities, json::object()}}}});
    const auto unsupported = post(old, {header_line(mcp::kHeaderProtocolVersion, "1999-01-01"),
                                        header_line(mcp::kHeaderMethod, "tools/list")});
    expect_error(unsupported, 400, mcp::kUnsupportedProtocolVersion, 1);
    const json data = unsupported.json()["error"]["data"];
    EXPECT_THAT(data["supported"].dump(), HasSubstr("\"2026-07-28\"")) << data;
    EXPECT_EQ(data["requested"], "1999-01-01") << data;

    json no_caps = modern(2, "tools/list");
    no_caps["params"]["_meta"].erase(std::string(mcp::kMetaClientCapabilities));
    expect_error(post(no_caps, modern_headers("tools/list")), 400, -32602, 2, "clientCapabilities");
    // The version header alone, without `_meta`: not a stateless request.
    expect_error(post(rpc(3, "tools/list"), modern_headers("tools/list")), 400, -32602, 3,
                 "is required on every request");

    expect_error(post(modern(4, "no/such"), modern_headers("no/such")), 404, -32601, 4);
    expect_error(post(modern(5, "ping"), modern_headers("ping")), 404, -32601, 5);
    expect_error(post(modern(6, "initialize", {{"protocolVersion", "2025-11-25"}}),
                      modern_headers("initialize")),
                 404, -32601, 6);
    // A stateless notification is accepted and not answered.
    const auto note = post(modern(nullptr, "notifications/cancelled", {{"requestId", 1}}),
                           {header_line(mcp::kHeaderProtocolVersion, "2026-07-28")});
    EXPECT_EQ(note.status, 202) << note.describe();
    expect_still_serving();
}

TEST_F(StreamableHttpStateless, GetAndDeleteAre405) {
    const auto get =
        raw("GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            "MCP-Protocol-Version: 2026-07-28\r\n\r\n");
    EXPECT_EQ(get.status, 405) << get.describe();
    // The revision: "HTTP GET or DELETE to the MCP endpoint: respond with 405".
    const auto del =
        raw("DELETE /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "MCP-Protocol-Version: 2026-07-28\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(del.status, 405) << del.describe();
    expect_still_serving();
}

TEST_F(StreamableHttpStateless, SessionIdOnAStatelessRequestIsIgnored) {
    // "An Mcp-Session-Id header on a request: ignore it, and do not mint or echo session IDs."
    auto headers = modern_headers("tools/list");
    headers.push_back(header_line(mcp::kHeaderSessionId, "no-such-session"));
    const auto unknown = post(modern(1, "tools/list"), headers);
    EXPECT_EQ(unknown.status, 200) << unknown.describe();
    EXPECT_EQ(unknown.json()["result"]["resultType"], "complete") << unknown.describe();
    EXPECT_FALSE(unknown.header(mcp::kHeaderSessionId)) << unknown.describe();
    // A live session's id does not make it a session request either.
    const std::string id = open_session();
    ASSERT_FALSE(id.empty());
    headers.back() = header_line(mcp::kHeaderSessionId, id);
    const auto live = post(modern(2, "tools/list"), headers);
    EXPECT_EQ(live.status, 200) << live.describe();
    EXPECT_EQ(live.json()["result"]["resultType"], "complete") << live.describe();
}

}  // namespace
}  // namespace server_test
