#include "client/ws_handshake.hpp"

#include <boost/beast/core/detail/base64.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>

#include "client/beast_names.hpp"

namespace harness {

namespace {

// A server's error page is read for its status alone: this much of it is enough.
constexpr std::uint64_t kMaxRefusalBody = 64 * 1024;

}  // namespace

std::unique_ptr<WsHandshake> make_ws_handshake(const WsUrl& url, const ClientOptions& options,
                                               std::uint64_t random_hi, std::uint64_t random_lo) {
    auto h = std::make_unique<WsHandshake>();
    unsigned char nonce[16];
    for (int i = 0; i < 8; ++i) {
        nonce[i] = static_cast<unsigned char>(random_hi >> (8 * i));
        nonce[8 + i] = static_cast<unsigned char>(random_lo >> (8 * i));
    }
    h->key.resize(beast::detail::base64::encoded_size(sizeof nonce));
    h->key.resize(beast::detail::base64::encode(h->key.data(), nonce, sizeof nonce));
    auto& req = h->request;
    req.method(http::verb::get);
    req.target(url.target);
    req.version(11);
    req.set(http::field::host, url.host + ":" + url.port);
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::sec_websocket_key, h->key);
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::user_agent, options.user_agent);
    if (options.offer_mcp_subprotocol) req.set(http::field::sec_websocket_protocol, "mcp");
    for (const auto& [name, value] : options.headers) req.set(name, value);
    h->parser.body_limit(kMaxRefusalBody);
    return h;
}

std::optional<std::string> check_ws_upgrade(const WsHandshake& h, bool offered_mcp,
                                            std::string& subprotocol) {
    const auto& res = h.parser.get();
    if (res.result() != http::status::switching_protocols) {
        return "the server declined the upgrade (HTTP " + std::to_string(res.result_int()) + ")";
    }
    if (!beast::iequals(res[http::field::upgrade], "websocket")) {
        return "the 101 response has no 'Upgrade: websocket'";
    }
    if (!http::token_list(res[http::field::connection]).exists("upgrade")) {
        return "the 101 response has no 'Connection: upgrade'";
    }
    websocket::detail::sec_ws_accept_type expected;
    websocket::detail::make_sec_ws_accept(expected, h.key);
    if (res[http::field::sec_websocket_accept] != beast::string_view(expected)) {
        return "the 101 response's Sec-WebSocket-Accept does not answer our key";
    }
    subprotocol = std::string(res[http::field::sec_websocket_protocol]);
    if (!subprotocol.empty() && !(offered_mcp && subprotocol == "mcp")) {
        return "the server selected subprotocol '" + subprotocol + "', which was not offered";
    }
    return std::nullopt;
}

}  // namespace harness
