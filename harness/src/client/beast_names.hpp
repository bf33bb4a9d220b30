#pragma once
// The short names the client room's sources use for Asio and Beast, written once for the room
// (core/src/net/beast_names.hpp is the server's: another library, in another namespace).
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace harness {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

}  // namespace harness
