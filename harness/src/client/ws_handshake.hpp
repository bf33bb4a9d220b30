#pragma once
// The WebSocket opening handshake as the client sends and checks it (RFC 6455 section 4.1),
// over Beast's HTTP reader and writer. McpClient drives it on its socket; the bytes the
// server sent after its 101 response stay in `buffer`, the first of the frames to read.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "harness/mcp_client.hpp"

namespace harness {

struct WsHandshake {
    std::string key;  // the Sec-WebSocket-Key sent
    boost::beast::http::request<boost::beast::http::empty_body> request;
    boost::beast::flat_buffer buffer;
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
};

// The upgrade request for `url` with the options' user agent, subprotocol offer and extra
// headers; `random` seeds the key (16 bytes from it, base64).
std::unique_ptr<WsHandshake> make_ws_handshake(const WsUrl& url, const ClientOptions& options,
                                               std::uint64_t random_hi, std::uint64_t random_lo);

// Why the server's response does not open a WebSocket (nullopt: it does). `subprotocol`
// gets the server's Sec-WebSocket-Protocol.
std::optional<std::string> check_ws_upgrade(const WsHandshake& h, bool offered_mcp,
                                            std::string& subprotocol);

}  // namespace harness
