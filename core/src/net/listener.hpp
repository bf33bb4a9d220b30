#pragma once
// Accepts TCP connections; each becomes an HttpConnection (net/http_connection.hpp), which
// serves Streamable HTTP and hands WebSocket upgrades to a WsSession. It owns what the
// connections share: the Streamable HTTP sessions and the request guard (Origin, Host, bearer
// token). Above --max-connections a connection is answered 503 and closed; when
// the process is out of file descriptors, accepting pauses (--accept-backoff) instead of
// spinning, and the failure is logged once per pause, not once per attempt.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/server_state.hpp"
#include "net/http_guard.hpp"
#include "net/http_session.hpp"

namespace core {

class SessionRegistry;

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    Listener(boost::asio::io_context& io, ServerState& state, SessionRegistry& registry);
    ~Listener();
    boost::asio::ip::tcp::endpoint open(const boost::asio::ip::tcp::endpoint& endpoint);
    void accept();
    void stop();  // any thread

  private:
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
    void pause_after(const boost::system::error_code& ec);
    void refuse(boost::asio::ip::tcp::socket socket);

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;  // on its own strand, with the timer
    boost::asio::steady_timer backoff_;
    ServerState& state_;
    SessionRegistry& registry_;
    HttpSessions sessions_;
    std::optional<HttpGuard> guard_;  // made by open(), which knows the address
    std::uint64_t failures_since_log_ = 0;
    std::chrono::steady_clock::time_point last_failure_log_{};
    std::chrono::steady_clock::time_point last_refusal_log_{};
};

}  // namespace core
