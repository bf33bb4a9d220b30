#pragma once
// Accepts TCP connections and reads the first HTTP request of each (bounded in size and
// time): a WebSocket upgrade at /mcp becomes a WsSession; anything else gets a clear HTTP
// error and is closed.
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "core/server_state.hpp"

namespace core {

class SessionRegistry;

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(boost::asio::io_context& io, ServerState& state, SessionRegistry& registry);
    boost::asio::ip::tcp::endpoint open(const boost::asio::ip::tcp::endpoint& endpoint);
    void accept();
    void stop();  // any thread

  private:
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    ServerState& state_;
    SessionRegistry& registry_;
};

}  // namespace core
