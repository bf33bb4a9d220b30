#pragma once
// The short names the net room's sources use for Asio and Beast, written once for the room.
// The harness's client room has its own (harness/src/client/beast_names.hpp): namespace
// aliases belong to the namespace that uses them, so each library writes them once.
#include <chrono>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace core {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

}  // namespace core
