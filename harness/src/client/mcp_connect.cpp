// McpClient, connecting: the ws:// URL, resolve, TCP connect and the WebSocket handshake
// (the subprotocol checked). Calls, reading, writing and closing are in mcp_client.cpp.
#include <algorithm>
#include <cstring>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "harness/mcp_client.hpp"

#include "client/beast_names.hpp"
#include "client/link.hpp"
#include "client/ws_frame.hpp"
#include "client/ws_handshake.hpp"
#include "common/mcp_protocol.hpp"
#include "common/rng.hpp"

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
    // One deadline for the TCP connect and the handshake after it.
    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait([weak = weak_from_this()](beast::error_code tec) {
        auto self = weak.lock();
        if (tec || !self || self->state_ != State::connecting) return;
        self->connect_timed_out_ = true;
        beast::error_code ignored;
        self->socket_.close(ignored);  // what is pending ends with operation_aborted
    });
    net::async_connect(socket_, results,
                       beast::bind_front_handler(&McpClient::on_connect, shared_from_this()));
}

void McpClient::on_connect(beast::error_code ec, tcp::endpoint) {
    if (connect_timed_out_) ec = beast::error::timeout;
    if (ec) {
        connect_timer_.cancel();
        return connect_failed(ec, "connect " + url_.host + ":" + url_.port + ": " + ec.message());
    }
    if (close_requested_) return connect_failed(net::error::operation_aborted, "closed");
    beast::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);  // small frames, no batching
    const std::uint64_t hi = common::splitmix64(mask_state_);
    handshake_ = make_ws_handshake(url_, options_, hi, common::splitmix64(mask_state_));
    http::async_write(
        socket_, handshake_->request,
        beast::bind_front_handler(&McpClient::on_handshake_written, shared_from_this()));
}

void McpClient::on_handshake_written(beast::error_code ec, std::size_t) {
    if (ec) return on_handshake(ec, 0);
    http::async_read(socket_, handshake_->buffer, handshake_->parser,
                     beast::bind_front_handler(&McpClient::on_handshake, shared_from_this()));
}

void McpClient::on_handshake(beast::error_code ec, std::size_t) {
    connect_timer_.cancel();
    if (connect_timed_out_) ec = beast::error::timeout;
    const std::string with =
        "WebSocket handshake with " + url_.host + ":" + url_.port + url_.target + ": ";
    if (ec) return connect_failed(ec, with + ec.message());
    if (close_requested_) return connect_failed(net::error::operation_aborted, "closed");
    if (auto why = check_ws_upgrade(*handshake_, options_.offer_mcp_subprotocol, subprotocol_)) {
        return connect_failed(make_error_code(boost::system::errc::protocol_error), with + *why);
    }
    // What the server sent after its 101 is the start of the first frames.
    reader_ = std::make_unique<ws::FrameReader>(options_.max_message_bytes);
    const auto early = handshake_->buffer.cdata();
    in_capacity_ = std::max<std::size_t>(kReadChunk, early.size());
    in_.reset(new char[in_capacity_]);  // not zeroed: only what a read filled is looked at
    std::memcpy(in_.get(), early.data(), early.size());
    in_size_ = early.size();
    handshake_.reset();
    last_heard_us_ = Arrival::now().steady_us;
    arm_idle_check();
    opened();
    // Closing (close() came first) still reads: the server's close frame ends it.
    if (state_ == State::closed) return;
    if (take_frames()) start_reading();
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
    handshake_.reset();
    beast::error_code ignored;
    socket_.close(ignored);
    if (auto h = std::move(on_connected_)) h({ec, what});
    for (auto& w : on_closed_waiters_) {
        if (w) w({ec, what});
    }
    on_closed_waiters_.clear();
}

}  // namespace harness
