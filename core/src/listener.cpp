#include "listener.hpp"

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

#include "session_registry.hpp"
#include "ws_session.hpp"

namespace core {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Reads the first request of a connection and routes it.
class HttpUpgrade : public std::enable_shared_from_this<HttpUpgrade> {
  public:
    HttpUpgrade(tcp::socket&& socket, ServerState& state, SessionRegistry& registry)
        : stream_(std::move(socket)), state_(state), registry_(registry) {}

    void run() {
        parser_.header_limit(16 * 1024);
        parser_.body_limit(64 * 1024);
        stream_.expires_after(std::chrono::seconds(30));
        http::async_read(stream_, buffer_, parser_,
                         beast::bind_front_handler(&HttpUpgrade::on_read, shared_from_this()));
    }

  private:
    void on_read(beast::error_code ec, std::size_t) {
        if (ec) return;  // closed, timed out or not HTTP: nothing to answer
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
    : io_(io), acceptor_(io), state_(state), registry_(registry) {}

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
    });
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
        state_.log.warn("accept failed: " + ec.message());
    } else {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);  // tokens are small frames
        std::make_shared<HttpUpgrade>(std::move(socket), state_, registry_)->run();
    }
    if (acceptor_.is_open()) accept();
}

}  // namespace core
