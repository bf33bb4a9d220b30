// McpClient, connecting: the ws:// URL, resolve, TCP connect and the WebSocket handshake
// (the subprotocol checked). Calls, reading, writing and closing are in mcp_client.cpp.
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/error.hpp>

#include "harness/mcp_client.hpp"

#include "client/beast_names.hpp"
#include "client/link.hpp"
#include "common/mcp_protocol.hpp"

namespace harness {

namespace {

std::optional<WsUrl> parse_url(std::string_view url, std::string_view scheme) {
    if (url.substr(0, scheme.size()) != scheme) return std::nullopt;
    url.remove_prefix(scheme.size());
    const auto slash = url.find('/');
    const std::string_view authority = url.substr(0, slash);
    WsUrl out;
    out.target = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    if (!authority.empty() && authority.front() == '[') {  // [::1]:port
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        out.host = std::string(authority.substr(1, close - 1));
        const auto rest = authority.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return std::nullopt;
        out.port = rest.empty() ? "80" : std::string(rest.substr(1));
    } else {
        const auto colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        out.port =
            colon == std::string_view::npos ? "80" : std::string(authority.substr(colon + 1));
    }
    if (out.host.empty() || out.port.empty()) return std::nullopt;
    for (const char c : out.port) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    return out;
}

}  // namespace

std::optional<WsUrl> parse_ws_url(std::string_view url) {
    return parse_url(url, "ws://");
}
std::optional<WsUrl> parse_http_url(std::string_view url) {
    return parse_url(url, "http://");
}

// --- connecting ---------------------------------------------------------------------------

void McpClient::connect(std::string url, ClientOptions options, ConnectHandler on_connected) {
    {
        std::lock_guard lock(meta_mutex_);
        default_version_ = options.protocol_version;
    }
    stateless_.store(options.protocol_version == common::mcp::kStatelessVersion,
                     std::memory_order_release);
    net::post(strand_, [self = shared_from_this(), url = std::move(url),
                        options = std::move(options), h = std::move(on_connected)]() mutable {
        if (self->state_ != State::idle) {
            if (h) h({net::error::already_started, "connect: the client was connected before"});
            return;
        }
        self->options_ = std::move(options);
        self->do_connect(std::move(url), std::move(h));
    });
}

void McpClient::do_connect(std::string url, ConnectHandler on_connected) {
    on_connected_ = std::move(on_connected);
    state_ = State::connecting;
    if (options_.transport != Transport::ws) return connect_link(std::move(url));
    auto parsed = parse_ws_url(url);
    if (!parsed) {
        return connect_failed(net::error::invalid_argument,
                              "connect: not a ws://host:port/path URL: " + url);
    }
    url_ = std::move(*parsed);
    resolver_.async_resolve(url_.host, url_.port,
                            beast::bind_front_handler(&McpClient::on_resolve, shared_from_this()));
}

void McpClient::on_resolve(beast::error_code ec, tcp::resolver::results_type results) {
    if (ec) return connect_failed(ec, "resolve " + url_.host + ": " + ec.message());
    if (close_requested_) return connect_failed(net::error::operation_aborted, "closed");
    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait([weak = weak_from_this()](beast::error_code tec) {
        auto self = weak.lock();
        if (tec || !self || self->state_ != State::connecting) return;
        self->connect_timed_out_ = true;
        beast::error_code ignored;
        self->ws_.next_layer().close(ignored);  // the connect ends with operation_aborted
    });
    net::async_connect(ws_.next_layer(), results,
                       beast::bind_front_handler(&McpClient::on_connect, shared_from_this()));
}

void McpClient::on_connect(beast::error_code ec, tcp::endpoint) {
    connect_timer_.cancel();
    if (connect_timed_out_) ec = beast::error::timeout;
    if (ec) {
        return connect_failed(ec, "connect " + url_.host + ":" + url_.port + ": " + ec.message());
    }
    if (close_requested_) return connect_failed(net::error::operation_aborted, "closed");
    beast::error_code ignored;
    ws_.next_layer().set_option(tcp::no_delay(true), ignored);  // small frames, no batching
    ws_.set_option(websocket::stream_base::timeout{options_.connect_timeout,
                                                   websocket::stream_base::none(),
                                                   /*keep_alive_pings=*/false});
    ws_.control_callback([this](websocket::frame_type, beast::string_view) {
        last_heard_us_ = Arrival::now().steady_us;  // pings and pongs: the server is alive
    });
    ws_.set_option(websocket::stream_base::decorator(
        [ua = options_.user_agent, mcp = options_.offer_mcp_subprotocol,
         headers = options_.headers](websocket::request_type& req) {
            req.set(http::field::user_agent, ua);
            if (mcp) req.set(http::field::sec_websocket_protocol, "mcp");
            for (const auto& [name, value] : headers) req.set(name, value);
        }));
    ws_.read_message_max(options_.max_message_bytes);
    ws_.text(true);
    ws_.async_handshake(handshake_response_, url_.host + ":" + url_.port, url_.target,
                        beast::bind_front_handler(&McpClient::on_handshake, shared_from_this()));
}

void McpClient::on_handshake(beast::error_code ec) {
    if (ec) {
        std::string what = "WebSocket handshake with " + url_.host + ":" + url_.port + url_.target +
                           ": " + ec.message();
        if (ec == websocket::error::upgrade_declined) {
            what += " (HTTP " + std::to_string(handshake_response_.result_int()) + ")";
        }
        return connect_failed(ec, what);
    }
    subprotocol_ = std::string(handshake_response_[http::field::sec_websocket_protocol]);
    if (options_.offer_mcp_subprotocol && !subprotocol_.empty() && subprotocol_ != "mcp") {
        return connect_failed(
            make_error_code(boost::system::errc::protocol_error),
            "the server selected subprotocol '" + subprotocol_ + "', which was not offered");
    }
    last_heard_us_ = Arrival::now().steady_us;
    arm_idle_check();
    do_read();
    opened();
}

void McpClient::opened() {
    state_ = State::open;
    open_.store(true, std::memory_order_release);
    if (close_requested_) do_close();
    if (auto h = std::move(on_connected_)) h({});
}

// http and stdio: a Link moves the messages; calls, routing and deadlines stay here.
void McpClient::connect_link(std::string url) {
    const std::weak_ptr<McpClient> weak = weak_from_this();
    LinkEvents events;
    events.message = [weak](std::string_view text, Arrival at) {
        if (auto self = weak.lock()) self->deliver(text, at);
    };
    events.sent = [weak](const std::string& id, Arrival at) {
        if (auto self = weak.lock()) self->router_.sent(id, at);
    };
    events.call_failed = [weak](const std::string& id, const std::string& error) {
        if (auto self = weak.lock()) self->router_.fail(id, error, Arrival::now());
    };
    events.send_failed = [weak](const std::string& error) {
        if (auto self = weak.lock()) self->router_.report(invalid_frame("send: " + error));
    };
    events.lost = [weak](ClientError error) {
        if (auto self = weak.lock()) self->finish(std::move(error));
    };
    if (options_.transport == Transport::http) {
        auto parsed = parse_http_url(url);
        if (!parsed) {
            return connect_failed(net::error::invalid_argument,
                                  "connect: not an http://host:port/path URL: " + url);
        }
        url_ = std::move(*parsed);
        link_ = make_http_link(strand_, options_, url_, std::move(events));
    } else {
        link_ = make_stdio_link(strand_, options_, std::move(events));
    }
    link_->open([weak](const ClientError& error) {
        auto self = weak.lock();
        if (!self) return;
        if (error) {
            self->link_->abort();
            return self->connect_failed(error.code, error.message);
        }
        self->opened();
    });
}

void McpClient::connect_failed(beast::error_code ec, const std::string& what) {
    state_ = State::closed;
    connect_timer_.cancel();
    beast::error_code ignored;
    ws_.next_layer().close(ignored);
    if (auto h = std::move(on_connected_)) h({ec, what});
    for (auto& w : on_closed_waiters_) {
        if (w) w({ec, what});
    }
    on_closed_waiters_.clear();
}

}  // namespace harness
