#include "net/listener.hpp"

#include <cerrno>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "net/beast_names.hpp"
#include "net/http_connection.hpp"
#include "net/session_registry.hpp"

namespace core {

namespace {

// Accept errors that mean "out of a resource": retrying at once fails again, and spins.
bool out_of_resources(const beast::error_code& ec) {
    return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
           ec == net::error::no_memory || ec.value() == ENFILE;
}

}  // namespace

Listener::Listener(net::io_context& io, ServerState& state, SessionRegistry& registry)
    : io_(io),
      acceptor_(net::make_strand(io)),
      backoff_(acceptor_.get_executor()),
      state_(state),
      registry_(registry),
      sessions_(io, state) {}

Listener::~Listener() = default;

tcp::endpoint Listener::open(const tcp::endpoint& endpoint) {
    guard_.emplace(state_.config.allowed_origins, endpoint.address().is_loopback(),
                   state_.config.auth_token);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
    return acceptor_.local_endpoint();
}

void Listener::accept() {
    acceptor_.async_accept(net::make_strand(io_),
                           beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::stop() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
        beast::error_code ignored;
        self->acceptor_.close(ignored);
        self->backoff_.cancel();
        // Sessions stay: their calls in flight may finish within the grace period, exactly as
        // a WebSocket connection's do; the sweep stops.
        self->sessions_.stop_sweeping();
    });
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) return pause_after(ec);
    if (failures_since_log_ > 0) {
        state_.log.info("accepting again after " + std::to_string(failures_since_log_) +
                        " failed accepts");
        failures_since_log_ = 0;
    }
    const auto open = static_cast<std::size_t>(state_.stats.connections.load() +
                                               state_.stats.http_connections.load());
    if (open >= state_.config.max_connections) {
        refuse(std::move(socket));
    } else {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);  // tokens are small frames
        std::make_shared<HttpConnection>(std::move(socket),
                                         HttpContext{state_, registry_, sessions_, *guard_})
            ->start();
    }
    accept();
}

void Listener::pause_after(const beast::error_code& ec) {
    // Logged at most once a second, with how many failed since: out of descriptors, every
    // attempt fails at once, and a line per attempt once wrote 119 MB in 5 s.
    ++failures_since_log_;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_failure_log_ >= std::chrono::seconds(1)) {
        state_.log.warn("accept failed: " + ec.message() + " (" +
                        std::to_string(failures_since_log_) + " failures" +
                        (out_of_resources(ec)
                             ? "; pausing " + std::to_string(state_.config.accept_backoff.count()) +
                                   " ms between attempts)"
                             : ")"));
        last_failure_log_ = now;
    }
    if (!out_of_resources(ec)) return accept();  // a peer's aborted connect: just go on
    backoff_.expires_after(state_.config.accept_backoff);
    backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec && self->acceptor_.is_open()) self->accept();
    });
}

void Listener::refuse(tcp::socket socket) {
    // Counted always, logged at most once a second: a flood of connections past the limit
    // must not turn into a flood of log lines (the accept failures' lesson).
    const auto refused = state_.stats.connections_refused.fetch_add(1, std::memory_order_relaxed);
    const auto now = std::chrono::steady_clock::now();
    if (now - last_refusal_log_ >= std::chrono::seconds(1)) {
        state_.log.warn("connection refused: " + std::to_string(state_.config.max_connections) +
                        " connections open (--max-connections); " + std::to_string(refused + 1) +
                        " refused so far");
        last_refusal_log_ = now;
    }
    // One non-blocking write: the socket is new and the answer far smaller than its buffer;
    // if it does not go out whole, the peer sees the connection closed, which is also a no.
    static const std::string answer = [] {
        const std::string body =
            "Too many connections: the server is at its limit (--max-connections)\n";
        return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; "
               "charset=utf-8\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }();
    beast::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(net::buffer(answer), ignored);
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

}  // namespace core
