// The upgrade request the client sends and the checks on the server's answer.
#include "client/ws_handshake.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

namespace harness {
namespace {

namespace http = boost::beast::http;

std::unique_ptr<WsHandshake> handshake(bool offer_mcp = true) {
    ClientOptions o;
    o.offer_mcp_subprotocol = offer_mcp;
    o.user_agent = "ua/1";
    o.headers = {{"Authorization", "Bearer t"}};
    return make_ws_handshake({"127.0.0.1", "8765", "/mcp"}, o, 0x0123456789abcdefULL, 42);
}

// Fills the parser's response as a server would: 101 with the right accept, then `edit`.
template <class Edit>
void answer(WsHandshake& h, Edit edit) {
    auto& res = h.parser.get();
    res.result(http::status::switching_protocols);
    res.set(http::field::upgrade, "websocket");
    res.set(http::field::connection, "Upgrade");
    boost::beast::websocket::detail::sec_ws_accept_type accept;
    boost::beast::websocket::detail::make_sec_ws_accept(accept, h.key);
    res.set(http::field::sec_websocket_accept, accept);
    edit(res);
}

TEST(WsHandshake, TheRequestIsAnUpgradeWithAFreshKeyAndTheOptionsHeaders) {
    const auto h = handshake();
    const auto& req = h->request;
    EXPECT_EQ(req.method(), http::verb::get);
    EXPECT_EQ(req.target(), "/mcp");
    EXPECT_EQ(req[http::field::host], "127.0.0.1:8765");
    EXPECT_EQ(req[http::field::upgrade], "websocket");
    EXPECT_EQ(req[http::field::connection], "Upgrade");
    EXPECT_EQ(req[http::field::sec_websocket_version], "13");
    EXPECT_EQ(req[http::field::sec_websocket_key], h->key);
    EXPECT_EQ(h->key.size(), 24u) << "16 bytes, base64";
    EXPECT_EQ(req[http::field::sec_websocket_protocol], "mcp");
    EXPECT_EQ(req[http::field::user_agent], "ua/1");
    EXPECT_EQ(req["Authorization"], "Bearer t");
    EXPECT_EQ(handshake(false)->request.count(http::field::sec_websocket_protocol), 0u);
    ClientOptions o;
    EXPECT_NE(make_ws_handshake({"h", "1", "/"}, o, 1, 2)->key,
              make_ws_handshake({"h", "1", "/"}, o, 1, 3)->key);
}

TEST(WsHandshake, AProperAnswerOpensWithTheServersSubprotocol) {
    auto h = handshake();
    answer(*h, [](auto& res) { res.set(http::field::sec_websocket_protocol, "mcp"); });
    std::string sub;
    EXPECT_EQ(check_ws_upgrade(*h, true, sub), std::nullopt);
    EXPECT_EQ(sub, "mcp");
    auto plain = handshake();
    answer(*plain, [](auto&) {});
    EXPECT_EQ(check_ws_upgrade(*plain, true, sub), std::nullopt) << "no subprotocol chosen";
    EXPECT_EQ(sub, "");
}

TEST(WsHandshake, EveryFlawInTheAnswerIsNamed) {
    struct Case {
        std::function<void(http::response<http::string_body>&)> edit;
        bool offered_mcp;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {[](auto& res) { res.result(http::status::not_found); }, true,
         "the server declined the upgrade (HTTP 404)"},
        {[](auto& res) { res.set(http::field::upgrade, "h2c"); }, true,
         "the 101 response has no 'Upgrade: websocket'"},
        {[](auto& res) { res.set(http::field::connection, "keep-alive"); }, true,
         "the 101 response has no 'Connection: upgrade'"},
        {[](auto& res) { res.set(http::field::sec_websocket_accept, "AAAA"); }, true,
         "the 101 response's Sec-WebSocket-Accept does not answer our key"},
        {[](auto& res) { res.set(http::field::sec_websocket_protocol, "chat"); }, true,
         "the server selected subprotocol 'chat', which was not offered"},
        {[](auto& res) { res.set(http::field::sec_websocket_protocol, "mcp"); }, false,
         "the server selected subprotocol 'mcp', which was not offered"},
    };
    for (const auto& c : cases) {
        auto h = handshake(c.offered_mcp);
        answer(*h, c.edit);
        std::string sub;
        EXPECT_EQ(check_ws_upgrade(*h, c.offered_mcp, sub), c.expected);
    }
}

TEST(WsHandshake, HeaderTokensAreCaseInsensitive) {
    auto h = handshake();
    answer(*h, [](auto& res) {
        res.set(http::field::upgrade, "WebSocket");
        res.set(http::field::connection, "keep-alive, UPGRADE");
    });
    std::string sub;
    EXPECT_EQ(check_ws_upgrade(*h, true, sub), std::nullopt);
}

}  // namespace
}  // namespace harness
