#pragma once
// A WebSocket server for client tests: listens on 127.0.0.1 port 0 and runs a script
// (synchronous Beast calls, on its own thread) for each accepted connection.
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace harness::test {

using WsStream = boost::beast::websocket::stream<boost::asio::ip::tcp::socket>;

class ScriptedServer {
  public:
    using Script = std::function<void(WsStream& ws)>;

    // `select_mcp`: answer an offered "mcp" subprotocol. `connections`: how many to serve.
    explicit ScriptedServer(Script script, bool select_mcp = true, int connections = 1);
    ~ScriptedServer();
    ScriptedServer(const ScriptedServer&) = delete;
    ScriptedServer& operator=(const ScriptedServer&) = delete;

    unsigned short port() const { return port_; }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/mcp"; }
    // The offered Sec-WebSocket-Protocol of the last handshake.
    std::string offered_protocol() const {
        std::lock_guard lock(mutex_);
        return offered_;
    }

  private:
    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    mutable std::mutex mutex_;
    std::string offered_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

// Reads one text message ("" when the connection ended).
std::string read_text(WsStream& ws);

}  // namespace harness::test
