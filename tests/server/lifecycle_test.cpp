// Lifecycle and protocol over a real WebSocket: version negotiation, notifications, ping,
// tools/list, every JSON-RPC error code, subprotocol selection, the message size cap (1009)
// and plain HTTP requests.
#include <gmock/gmock.h>

#include <set>

#include "server_fixture.hpp"

namespace server_test {
namespace {

using ::testing::HasSubstr;

class ServerLifecycle : public ServerTest {
  protected:
    void SetUp() override { start(); }
};

TEST_F(ServerLifecycle, InitializeEchoesEachSupportedVersion) {
    for (const std::string version : {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}) {
        McpClient c(server().ws_url());
        const auto r = c.initialize(version);
        ASSERT_TRUE(r.has_result()) << version << ": " << r.describe();
        const json result = r.result();
        EXPECT_EQ(result.value("protocolVersion", ""), version) << r.describe();
        EXPECT_EQ(result["serverInfo"].value("name", ""), "patient-summaries-server")
            << r.describe();
        EXPECT_TRUE(result["serverInfo"].contains("version")) << r.describe();
        EXPECT_TRUE(result["capabilities"].contains("tools")) << r.describe();
    }
}

TEST_F(ServerLifecycle, UnknownVersionGetsTheLatest) {
    McpClient c(server().ws_url());
    const auto r = c.initialize("1999-01-01");
    ASSERT_TRUE(r.has_result()) << r.describe();
    EXPECT_EQ(r.result().value("protocolVersion", ""), "2025-11-25") << r.describe();
}

TEST_F(ServerLifecycle, InitializedNotificationIsNeverAnsweredAndPingGetsEmptyObject) {
    McpClient c(server().ws_url());
    ASSERT_TRUE(c.call("initialize", {{"protocolVersion", "2025-06-18"}}).has_result());
    ASSERT_TRUE(c.notify("notifications/initialized"));
    ASSERT_TRUE(c.notify("notifications/some_unknown_notification", {{"x", 1}}));
    const auto ping = c.call_with_id("ping-1", "ping", nullptr);
    ASSERT_TRUE(ping.ok) << ping.describe();
    // Nothing came before the ping's answer: the notifications were not answered.
    EXPECT_TRUE(ping.frames.empty()) << "unexpected frame: " << ping.frames.front().describe();
    EXPECT_EQ(ping.result(), json::object()) << ping.describe();
    EXPECT_EQ(ping.json().value("jsonrpc", ""), "2.0") << ping.describe();
}

TEST_F(ServerLifecycle, ToolsListHasTheFourTools) {
    auto c = connect();
    const auto r = c->call("tools/list");
    ASSERT_TRUE(r.has_result()) << r.describe();
    std::set<std::string> names;
    for (const auto& t : r.result().value("tools", json::array())) {
        names.insert(t.value("name", ""));
        EXPECT_TRUE(t.contains("inputSchema") && t["inputSchema"].is_object()) << t.dump();
        EXPECT_FALSE(t.value("description", "").empty()) << t.dump();
    }
    EXPECT_EQ(names, (std::set<std::string>{"search_patients_by_disease", "get_patient_summary",
                                            "generate_summary", "update_patient_summary"}))
        << r.describe();
}

TEST_F(ServerLifecycle, JsonRpcErrorsAndTheConnectionKeepsServing) {
    auto c = connect();
    const auto expect_error = [&](const CallResult& r, int code, const json& id,
                                  const std::string& what) {
        ASSERT_TRUE(r.ok) << what << ": " << r.describe();
        ASSERT_TRUE(r.error().is_object()) << what << ": " << r.describe();
        EXPECT_EQ(r.error().value("code", 0), code) << what << ": " << r.describe();
        EXPECT_FALSE(r.error().value("message", "").empty()) << what << ": " << r.describe();
        EXPECT_EQ(r.json()["id"], id) << what << ": " << r.describe();
    };

    expect_error(c->call_with_id(11, "no/such_method", json::object()), -32601, 11,
                 "unknown method");

    ASSERT_TRUE(c->send_text(R"({"jsonrpc":"2.0","id":12,"method":"ping",)"));
    expect_error(c->await_response(nullptr, 5s), -32700, nullptr, "unparsable JSON");
    const auto ping = c->call("ping");
    ASSERT_TRUE(ping.has_result()) << "after a parse error: " << ping.describe();

    ASSERT_TRUE(c->send_text(R"({"jsonrpc":"2.0","id":13})"));
    expect_error(c->await_response(13, 5s), -32600, 13, "no method");
    ASSERT_TRUE(c->send_text(R"({"jsonrpc":"1.0","id":14,"method":"ping"})"));
    expect_error(c->await_response(14, 5s), -32600, 14, "wrong jsonrpc version");
    ASSERT_TRUE(c->send_text(R"([{"jsonrpc":"2.0","id":15,"method":"ping"}])"));
    expect_error(c->await_response(nullptr, 5s), -32600, nullptr, "a batch");

    const auto missing = c->call_with_id(
        16, "tools/call", McpClient::tool_params("get_patient_summary", json::object()));
    expect_error(missing, -32602, 16, "missing patient_id");
    EXPECT_THAT(missing.error().value("message", ""), HasSubstr("patient_id"));

    const auto unknown =
        c->call_with_id(17, "tools/call", McpClient::tool_params("no_such_tool", json::object()));
    expect_error(unknown, -32602, 17, "unknown tool");
    EXPECT_THAT(unknown.error().value("message", ""), HasSubstr("no_such_tool"));

    const auto wrong_type = c->call_with_id(
        18, "tools/call", McpClient::tool_params("generate_summary", {{"patient_id", 5}}));
    expect_error(wrong_type, -32602, 18, "patient_id of the wrong type");

    const auto after = c->call("ping");
    ASSERT_TRUE(after.has_result()) << after.describe();
    EXPECT_EQ(after.result(), json::object());
}

TEST_F(ServerLifecycle, SubprotocolMcpIsSelectedWhenOffered) {
    McpClient offered(server().ws_url(), {.subprotocol = "mcp"});
    EXPECT_EQ(offered.subprotocol(), "mcp");
    EXPECT_TRUE(offered.initialize().has_result());

    McpClient among(server().ws_url(), {.subprotocol = "other, mcp"});
    EXPECT_EQ(among.subprotocol(), "mcp");

    McpClient plain(server().ws_url());
    EXPECT_EQ(plain.subprotocol(), "");
    EXPECT_TRUE(plain.initialize().has_result());
}

// A GET without an upgrade would open Streamable HTTP's server-to-client stream, which this
// server does not offer (it never sends on its own): 405, as the 2025-11-25 revision allows.
TEST_F(ServerLifecycle, HttpGetWithoutUpgradeGets405AndOtherPaths404) {
    const auto mcp = test_support::http_get(server().http_url("/mcp"));
    ASSERT_TRUE(mcp.ok()) << mcp.describe();
    EXPECT_EQ(mcp.status, 405) << mcp.describe();
    EXPECT_EQ(mcp.header("Allow"), "POST, DELETE") << mcp.describe();
    const auto other = test_support::http_get(server().http_url("/elsewhere"));
    ASSERT_TRUE(other.ok()) << other.describe();
    EXPECT_EQ(other.status, 404) << other.describe();
    // The server still accepts WebSocket clients.
    auto c = connect();
    EXPECT_TRUE(c->call("ping").has_result());
}

class ServerMessageLimit : public ServerTest {
  protected:
    void SetUp() override { start(kFastMock, {"--max-message", "1024"}); }
};

TEST_F(ServerMessageLimit, OversizedMessageIsClosedWith1009AndAReason) {
    auto c = connect();
    // Just under the limit: answered.
    json small = {{"jsonrpc", "2.0"},
                  {"id", 1},
                  {"method", "ping"},
                  {"params", {{"pad", std::string(900, 'x')}}}};
    ASSERT_LE(small.dump().size(), 1024u);
    ASSERT_TRUE(c->send(small));
    const auto ok = c->await_response(1, 5s);
    EXPECT_TRUE(ok.has_result()) << ok.describe();

    json big = small;
    big["id"] = 2;
    big["params"]["pad"] = std::string(2000, 'y');
    ASSERT_TRUE(c->send(big));
    const auto frames = c->drain(5s);
    ASSERT_FALSE(frames.empty()) << "no close within 5 s";
    const Frame& end = frames.back();
    ASSERT_EQ(end.kind, Frame::Kind::closed) << end.describe();
    EXPECT_EQ(end.close_code, 1009) << end.describe();
    EXPECT_THAT(end.close_reason, HasSubstr("1024")) << end.describe();
    for (const auto& f : frames) EXPECT_FALSE(f.is_response_to(2)) << f.describe();
    // Others are not affected.
    auto other = connect();
    EXPECT_TRUE(other->call("ping").has_result());
}

}  // namespace
}  // namespace server_test
