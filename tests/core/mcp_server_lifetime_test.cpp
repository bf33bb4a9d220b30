// McpServer's own lifetime with connections still open. Once, a server that ended while a
// WebSocket client was connected freed its shared state before the connection that used
// it: a heap-use-after-free in ~WsSession, which AddressSanitizer reports (the sanitizer
// stage of the test suite runs this test; a plain build may pass it either way).
#include <gtest/gtest.h>

#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "core/mcp_server.hpp"
#include "temp_dir.hpp"

namespace {

namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

TEST(McpServerLifetime, DestroyedWhileAClientIsConnectedAndMidCall) {
    core_test::TempDir dir;
    core::ServerConfig config;
    config.data_dir = dir.path();
    config.port = 0;
    config.threads = 2;
    config.log_level = common::LogLevel::off;
    config.ollama.base_url = "http://127.0.0.1:9";  // discard: nothing answers
    auto server = std::make_unique<core::McpServer>(config);
    const auto endpoint = server->listen();
    server->start_background();

    net::io_context io;
    websocket::stream<tcp::socket> ws(io);
    ws.next_layer().connect(endpoint);
    ws.handshake("127.0.0.1", "/mcp");
    ws.write(net::buffer(std::string(
        R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}})")));
    boost::beast::flat_buffer reply;
    ws.read(reply);  // the session is live: it answered
    ws.write(net::buffer(std::string(
        R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"generate_summary","arguments":{"patient_id":"1"}}})")));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));

    EXPECT_EQ(server->stats().connections.load(), 1);
    server.reset();  // with the connection and its call still in the loop
    SUCCEED();
}

}  // namespace
