#include "net/listener.hpp"

#include <cerrno>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/beast_names.hpp"
#include "net/session_registry.hpp"
#include "net/ws_session.hpp"

namespace core {

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr std::size_t kBodyLimit = 64 * 1024;
// Accept errors that mean "out of a resource": retrying at once fails again, and spins.
bool out_of_resources(const beast::error_code& ec) {
    return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
           ec == net::error::no_memory || ec.value() == ENFILE;
}

// Reads the first request of a connection and routes it.
class HttpUpgrade : public std::enable_shared_from_this<HttpUpgrade> {
  public:
    HttpUpgrade(tcp::socket&& socket, ServerState& state, SessionRegistry& registry)
        : stream_(std::move(socket)), state_(state), registry_(registry) {
        state_.stats.http_connections.fetch_add(1, std::memory_order_relaxed);
    }
    ~HttpUpgrade() { state_.stats.http_connections.fetch_sub(1, std::memory_order_relaxed); }
    HttpUpgrade(const HttpUpgrade&) = delete;
    HttpUpgrade& operator=(const HttpUpgrade&) = delete;

    void run() {
        parser_.header_limit(kHeaderLimit);
        parser_.body_limit(kBodyLimit);
        stream_.expires_after(std::chrono::seconds(30));
        http::async_read(stream_, buffer_, parser_,
                         beast::bind_front_handler(&HttpUpgrade::on_read, shared_from_this()));
    }

  private:
    void on_read(beast::error_code ec, std::size_t) {
        // A peer that went away or never finished gets nothing; one that sent something we
        // cannot read is told what, so that a misconfigured client is not left guessing.
        if (ec == http::error::header_limit) {
            return respond(
                http::status::request_header_fields_too_large,
                "Request headers larger than " + std::to_string(kHeaderLimit) + " bytes\n");
        }
        if (ec == http::error::body_limit) {
            return respond(http::status::payload_too_large,
                           "Request body larger than " + std::to_string(kBodyLimit) + " bytes\n");
        }
        if (ec == http::error::end_of_stream || ec == net::error::eof ||
            ec == beast::error::timeout || ec == net::error::connection_reset ||
            ec == net::error::operation_aborted) {
            return;
        }
        if (ec) {
            state_.log.info("malformed HTTP request: " + ec.message());
            return respond(http::status::bad_request,
                           "Malformed HTTP request (" + ec.message() +
                               "). The MCP endpoint is ws://HOST:PORT/mcp\n");
        }
        auto req = parser_.release();
        const auto target = std::string_view(req.target().data(), req.target().size());
        const auto path = target.substr(0, target.find('?'));
        if (beast::websocket::is_upgrade(req) && path == "/mcp") {
            std::make_shared<WsSession>(std::move(stream_), state_, registry_)
                ->start(std::move(req));
            return;
        }
        const bool known = path == "/mcp";
        respond(known ? http::status::upgrade_required : http::status::not_found,
                known ? "This is the MCP WebSocket endpoint: connect with a WebSocket client to "
                        "ws://HOST:PORT/mcp\n"
                      : "Not found. The MCP endpoint is ws://HOST:PORT/mcp\n");
    }

    void respond(http::status status, std::string body) {
        auto res = std::make_shared<http::response<http::string_body>>(status, 11);
        res->set(http::field::content_type, "text/plain; charset=utf-8");
        res->set(http::field::server, "patient-summaries-server");
        if (status == http::status::upgrade_required) res->set(http::field::upgrade, "websocket");
        res->body() = std::move(body);
        res->keep_alive(false);
        res->prepare_payload();
        http::async_write(stream_, *res,
                          [self = shared_from_this(), res](beast::error_code, std::size_t) {
                              beast::error_code ignored;
                              self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                          });
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::request_parser<http::string_body> parser_;
    ServerState& state_;
    SessionRegistry& registry_;
};

}  // namespace

Listener::Listener(net::io_context& io, ServerState& state, SessionRegistry& registry)
    : io_(io),
      acceptor_(net::make_strand(io)),
      backoff_(acceptor_.get_executor()),
      state_(state),
      registry_(registry) {}

tcp::endpoint Listener::open(const tcp::endpoint& endpoint) {
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
        std::make_shared<HttpUpgrade>(std::move(socket), state_, registry_)->run();
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
