#include "streamable_http_fixture.hpp"

#include "common/mcp_protocol.hpp"

namespace server_test {

namespace mcp = common::mcp;

json StreamableHttpTest::rpc(const json& id, const std::string& method, json params) {
    json m = {{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
    if (!id.is_null()) m["id"] = id;
    return m;
}

json StreamableHttpTest::modern(const json& id, const std::string& method, json params) {
    params["_meta"][std::string(mcp::kMetaProtocolVersion)] = mcp::kStatelessVersion;
    params["_meta"][std::string(mcp::kMetaClientCapabilities)] = json::object();
    return rpc(id, method, std::move(params));
}

std::vector<std::string> StreamableHttpTest::modern_headers(const std::string& method,
                                                            const std::string& name) {
    std::vector<std::string> h = {
        std::string(mcp::kHeaderProtocolVersion) + ": " + std::string(mcp::kStatelessVersion),
        std::string(mcp::kHeaderMethod) + ": " + method};
    if (!name.empty()) h.push_back(std::string(mcp::kHeaderName) + ": " + name);
    return h;
}

std::vector<std::string> StreamableHttpTest::session_headers(const std::string& session_id) {
    return {std::string(mcp::kHeaderSessionId) + ": " + session_id,
            std::string(mcp::kHeaderProtocolVersion) + ": 2025-11-25"};
}

RawResponse StreamableHttpTest::post(const json& body, const std::vector<std::string>& headers) {
    return raw(test_support::mcp_post(body.dump(), headers));
}

RawResponse StreamableHttpTest::raw(const std::string& request_bytes) {
    HttpStream s(server().port());
    return s.exchange(request_bytes);
}

std::string StreamableHttpTest::open_session(const std::string& version) {
    const auto init = post(rpc(1, "initialize",
                               {{"protocolVersion", version},
                                {"capabilities", json::object()},
                                {"clientInfo", {{"name", "streamable-http-test"}}}}));
    const auto id = init.header(mcp::kHeaderSessionId);
    if (init.status != 200 || !id) {
        ADD_FAILURE() << "initialize: " << init.describe();
        return "";
    }
    const auto done = post(rpc(nullptr, "notifications/initialized"), session_headers(*id));
    EXPECT_EQ(done.status, 202) << done.describe();
    return *id;
}

StreamableHttpTest::Streamed StreamableHttpTest::stream(const json& body,
                                                        const std::vector<std::string>& headers,
                                                        std::chrono::milliseconds timeout) {
    Streamed out;
    HttpStream s(server().port());
    if (!s.send(test_support::mcp_post(body.dump(), headers))) {
        ADD_FAILURE() << "send failed";
        return out;
    }
    const auto deadline = Clock::now() + timeout;
    out.head = s.read_head(timeout);
    if (out.head.status != 200 ||
        out.head.header("Content-Type").value_or("").rfind("text/event-stream", 0) != 0) {
        s.read_body(out.head, 2s);
        return out;
    }
    while (auto e = s.next_event(out.head, std::chrono::duration_cast<std::chrono::milliseconds>(
                                               deadline - Clock::now()))) {
        out.events.push_back(std::move(*e));
    }
    return out;
}

std::vector<Frame> StreamableHttpTest::frames_of(const std::vector<SseMessage>& events) {
    std::vector<Frame> out;
    for (const auto& e : events) {
        Frame f;
        f.text = e.data;
        f.json = e.json();
        f.at = e.at;
        out.push_back(std::move(f));
    }
    return out;
}

void StreamableHttpTest::expect_still_serving() {
    const std::string id = open_session();
    ASSERT_FALSE(id.empty()) << "the server stopped opening sessions";
    const auto list = post(rpc(2, "tools/list"), session_headers(id));
    EXPECT_EQ(list.status, 200) << list.describe();
    EXPECT_TRUE(list.json()["result"]["tools"].is_array()) << list.describe();
    const auto modern_list = post(modern(3, "tools/list"), modern_headers("tools/list"));
    EXPECT_EQ(modern_list.status, 200) << modern_list.describe();
    EXPECT_TRUE(modern_list.json()["result"]["tools"].is_array()) << modern_list.describe();
}

}  // namespace server_test
