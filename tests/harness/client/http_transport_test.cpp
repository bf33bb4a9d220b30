// McpClient over Streamable HTTP against a scripted HTTP server on loopback: a session
// (2025-11-25) and the stateless revision (2026-07-28), progress over an event stream cut
// across chunks, the session id sent back and DELETEd on close, HTTP errors with their text,
// cancellation, and concurrent calls on a pool of connections.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include <nlohmann/json.hpp>

#include "client/client_waits.hpp"
#include "common/mcp_protocol.hpp"
#include "harness/event_loop.hpp"
#include "harness/mcp_client.hpp"
#include "scripted_http_server.hpp"

namespace harness {
namespace {

using nlohmann::json;
using namespace test;  // client_waits.hpp
using ::testing::HasSubstr;
using namespace std::chrono_literals;

ClientOptions http_options(std::string version = "2025-11-25") {
    ClientOptions o;
    o.transport = Transport::http;
    o.protocol_version = std::move(version);
    o.headers = {{"X-Test", "yes"}};
    return o;
}

std::string progress_event(const json& token, int n, const std::string& text) {
    const json m = {{"jsonrpc", "2.0"},
                    {"method", "notifications/progress"},
                    {"params", {{"progressToken", token}, {"progress", n}, {"message", text}}}};
    return "data: " + m.dump() + "\n\n";
}

std::string result_of(const json& id, const json& result) {
    return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}}.dump();
}

// Answers like a streaming MCP server: initialize with a session, notifications with 202,
// tools/call with three progress tokens and the response, each event cut in two chunks.
void streaming_server(const HttpRequestSeen& req, Reply& reply) {
    if (req.method == "DELETE") return reply.send(204, "", "");
    const auto m = json::parse(req.body);
    if (!m.contains("id")) return reply.send(202, "", "");
    const std::string method = m["method"];
    if (method == "initialize" || method == "server/discover") {
        std::vector<std::pair<std::string, std::string>> h;
        if (method == "initialize") h.emplace_back("Mcp-Session-Id", "session-42");
        return reply.send(200, "application/json",
                          result_of(m["id"], {{"protocolVersion", "2025-11-25"}}), h);
    }
    reply.start_events();
    const auto token = m["params"]["_meta"]["progressToken"];
    for (int i = 1; i <= 3; ++i) {
        const std::string e = progress_event(token, i, "t" + std::to_string(i));
        reply.chunk(e.substr(0, 7));
        reply.chunk(e.substr(7));
    }
    reply.chunk("data: " + result_of(m["id"], {{"content", json::array()}}) + "\n\n");
    reply.end_events();
}

TEST(HttpTransport, SessionCallWithProgressThenDeleteOnClose) {
    ScriptedHttpServer server(streaming_server);
    EventLoop loop(1);
    auto client = connected(loop, server.url(), http_options());
    auto init = initialize(*client);
    const auto i = get_within(init);
    ASSERT_TRUE(i.ok()) << i.error;
    auto f = call(*client, "tools/call", {{"name", "echo"}}, {.progress = true});
    const auto r = get_within(f);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.token_count, 3u);
    ASSERT_EQ(r.tokens.size(), 3u);
    EXPECT_EQ(r.tokens[2].text, "t3");
    EXPECT_GT(r.first_token_steady_us, 0);
    EXPECT_GE(r.response_steady_us, r.last_token_steady_us);
    EXPECT_EQ(close_client(*client), "");

    const auto seen = server.requests();
    ASSERT_EQ(seen.size(), 4u);  // initialize, initialized, tools/call, DELETE
    EXPECT_EQ(json::parse(seen[0].body)["params"]["protocolVersion"], "2025-11-25");
    EXPECT_EQ(seen[0].header("mcp-session-id"), "");
    EXPECT_EQ(seen[0].header("mcp-protocol-version"), "");
    EXPECT_EQ(seen[0].header("accept"), "application/json, text/event-stream");
    EXPECT_EQ(seen[0].header("content-type"), "application/json");
    EXPECT_EQ(seen[0].header("x-test"), "yes");
    for (std::size_t k = 1; k < seen.size(); ++k) {
        EXPECT_EQ(seen[k].header("mcp-session-id"), "session-42") << k;
        EXPECT_EQ(seen[k].header("mcp-protocol-version"), "2025-11-25") << k;
    }
    EXPECT_EQ(json::parse(seen[1].body)["method"], "notifications/initialized");
    EXPECT_EQ(seen[3].method, "DELETE");
    EXPECT_EQ(seen[3].target, "/mcp");
}

TEST(HttpTransport, StatelessRevisionDiscoversAndSendsMetaAndHeaders) {
    ScriptedHttpServer server(streaming_server);
    EventLoop loop(1);
    auto client =
        connected(loop, server.url(), http_options(std::string(common::mcp::kStatelessVersion)));
    auto init = initialize(*client);
    const auto i = get_within(init);
    ASSERT_TRUE(i.ok()) << i.error;
    EXPECT_EQ(i.method, "server/discover");
    auto f = call(*client, "tools/call", {{"name", "echo tool"}}, {.progress = true});
    const auto r = get_within(f);
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.token_count, 3u);
    EXPECT_EQ(close_client(*client), "");

    const auto seen = server.requests();
    ASSERT_EQ(seen.size(), 2u);  // no notifications/initialized, no DELETE
    const auto discover = json::parse(seen[0].body);
    EXPECT_EQ(discover["method"], "server/discover");
    EXPECT_EQ(seen[0].header("mcp-method"), "server/discover");
    const auto body = json::parse(seen[1].body);
    const auto& meta = body["params"]["_meta"];
    EXPECT_EQ(meta[common::mcp::kMetaProtocolVersion], common::mcp::kStatelessVersion);
    EXPECT_EQ(meta[common::mcp::kMetaClientCapabilities], json::object());
    EXPECT_EQ(meta[common::mcp::kMetaClientInfo], (json{{"name", "t"}, {"version", "1"}}));
    EXPECT_TRUE(meta.contains("progressToken"));
    EXPECT_EQ(seen[1].header("mcp-protocol-version"), common::mcp::kStatelessVersion);
    EXPECT_EQ(seen[1].header("mcp-method"), "tools/call");
    EXPECT_EQ(seen[1].header("mcp-name"), "echo tool");
    EXPECT_EQ(seen[1].header("mcp-session-id"), "");
}

TEST(HttpTransport, StatusErrorsReachTheCallWithTheirText) {
    ScriptedHttpServer server([](const HttpRequestSeen& req, Reply& reply) {
        const auto m = json::parse(req.body);
        if (!m.contains("id")) return reply.send(400, "text/plain", "notifications refused\n");
        if (m["method"] == "a") {
            return reply.send(404, "application/json",
                              R"({"jsonrpc":"2.0","id":null,"error":{"code":-32001,)"
                              R"("message":"Session not found"}})");
        }
        reply.send(415, "text/plain", "Content-Type must be application/json");
    });
    EventLoop loop(1);
    auto client = connected(loop, server.url(), http_options());
    std::promise<std::string> other;
    auto other_f = other.get_future();
    std::promise<json> null_id;
    auto null_id_f = null_id.get_future();
    client->on_other([&other, &null_id](const Frame& fr) {
        // The JSON-RPC error of the 404 (id null) is the server's answer like any other frame;
        // the failed notification is the client's own "send:" frame.
        if (fr.error.rfind("send: ", 0) == 0) return other.set_value(fr.error);
        if (fr.kind == FrameKind::response) null_id.set_value(fr.message);
    });
    auto a = call(*client, "a", json::object());
    EXPECT_EQ(get_within(a).error, "HTTP 404 Not Found: JSON-RPC error -32001: Session not found");
    EXPECT_EQ(get_within(null_id_f)["error"]["code"], -32001);
    auto b = call(*client, "b", json::object());
    EXPECT_EQ(get_within(b).error,
              "HTTP 415 Unsupported Media Type: Content-Type must be application/json");
    client->notify("notifications/x");
    EXPECT_EQ(get_within(other_f), "send: HTTP 400 Bad Request: notifications refused");
    close_client(*client);
}

TEST(HttpTransport, ATimedOutCallIsCancelledByNotificationInASession) {
    ScriptedHttpServer server([](const HttpRequestSeen& req, Reply& reply) {
        const auto m = json::parse(req.body);
        if (!m.contains("id")) return reply.send(202, "", "");
        reply.start_events();
        reply.wait_closed(3000);  // never answers
    });
    EventLoop loop(1);
    auto client = connected(loop, server.url(), http_options());
    auto f = call(*client, "tools/call", {{"name", "slow"}}, {.timeout = 200ms});
    const auto r = get_within(f);
    EXPECT_THAT(r.error, HasSubstr("no response within 200 ms"));
    ASSERT_TRUE(server.wait_requests(2, 3000));
    const auto cancel = json::parse(server.requests()[1].body);
    EXPECT_EQ(cancel["method"], "notifications/cancelled");
    EXPECT_EQ(cancel["params"]["requestId"], json::parse(r.id));
    close_client(*client);
}

TEST(HttpTransport, StatelessCancellationClosesTheStream) {
    std::promise<bool> closed;
    auto closed_f = closed.get_future();
    ScriptedHttpServer server([&closed](const HttpRequestSeen& req, Reply& reply) {
        const auto m = json::parse(req.body);
        if (!m.contains("id")) return reply.send(202, "", "");
        reply.start_events();
        closed.set_value(reply.wait_closed(3000));
    });
    EventLoop loop(1);
    auto client =
        connected(loop, server.url(), http_options(std::string(common::mcp::kStatelessVersion)));
    auto f = call(*client, "tools/call", {{"name", "slow"}}, {.timeout = 200ms});
    EXPECT_THAT(get_within(f).error, HasSubstr("no response within 200 ms"));
    EXPECT_TRUE(get_within(closed_f));
    EXPECT_EQ(server.requests().size(), 1u);  // no notifications/cancelled POST
    close_client(*client);
}

TEST(HttpTransport, ConcurrentCallsTakeConnectionsFromThePool) {
    // The first call is answered only once the second has arrived: with one connection for
    // both, this would never happen.
    std::atomic<int> arrived{0};
    ScriptedHttpServer server([&arrived](const HttpRequestSeen& req, Reply& reply) {
        const auto m = json::parse(req.body);
        ++arrived;
        for (int k = 0; k < 300 && arrived < 2; ++k) std::this_thread::sleep_for(10ms);
        reply.send(200, "application/json", result_of(m["id"], {{"n", arrived.load()}}));
    });
    EventLoop loop(1);
    auto client = connected(loop, server.url(), http_options());
    auto a = call(*client, "a", json::object());
    auto b = call(*client, "b", json::object());
    const auto ra = get_within(a), rb = get_within(b);
    ASSERT_TRUE(ra.ok()) << ra.error;
    ASSERT_TRUE(rb.ok()) << rb.error;
    EXPECT_EQ(ra.response["result"]["n"], 2);
    EXPECT_EQ(server.connections(), 2);
    close_client(*client);
}

TEST(HttpTransport, AnUnreachableServerFailsConnect) {
    EventLoop loop(1);
    auto client = McpClient::create(loop.io());
    std::promise<std::string> p;
    auto f = p.get_future();
    // Port 1 on loopback: nothing listens there.
    client->connect("http://127.0.0.1:1/mcp", http_options(),
                    [&p](const ClientError& e) { p.set_value(e.message); });
    EXPECT_THAT(get_within(f), HasSubstr("connect http://127.0.0.1:1/mcp"));
}

}  // namespace
}  // namespace harness
