#include "net/ws_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "core/jsonrpc.hpp"
#include "net/beast_names.hpp"
#include "net/session_registry.hpp"

namespace core {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

bool offers_mcp(std::string_view header) {
    while (!header.empty()) {
        const auto comma = header.find(',');
        auto token = header.substr(0, comma);
        while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
        while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
        if (token == "mcp") return true;
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return false;
}

std::string peer_of(beast::tcp_stream& s) {
    beast::error_code ec;
    const auto ep = s.socket().remote_endpoint(ec);
    return ec ? std::string("peer") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

}  // namespace

WsSession::WsSession(beast::tcp_stream&& stream, ServerState& state, SessionRegistry& registry)
    : ws_(std::move(stream)),
      state_(state),
      registry_(registry),
      peer_(peer_of(beast::get_lowest_layer(ws_))),
      ping_timer_(ws_.get_executor()),
      last_heard_(Clock::now()) {
    state_.stats.connections.fetch_add(1, std::memory_order_relaxed);
    state_.stats.connections_total.fetch_add(1, std::memory_order_relaxed);
}

WsSession::~WsSession() {
    state_.stats.connections.fetch_sub(1, std::memory_order_relaxed);
}

void WsSession::start(http::request<http::string_body> request) {
    const bool mcp = offers_mcp(request[http::field::sec_websocket_protocol]);
    // The WebSocket stream has its own timeouts; the TCP layer's must be off.
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout t =
        websocket::stream_base::timeout::suggested(beast::role_type::server);
    t.idle_timeout = websocket::stream_base::none();  // our own pings decide, see arm_ping
    t.keep_alive_pings = false;
    ws_.set_option(t);
    ws_.set_option(websocket::stream_base::decorator([mcp](websocket::response_type& res) {
        res.set(http::field::server, "patient-summaries-server");
        // The official SDK's client offers "mcp" and fails the handshake unless it is chosen.
        if (mcp) res.set(http::field::sec_websocket_protocol, "mcp");
    }));
    // Messages are read in pieces and measured here, so that an oversized one is refused with
    // a reason; Beast's own cap (which closes without one) is only a backstop.
    ws_.read_message_max(state_.config.max_message + 2 * kReadChunk);
    ws_.text(true);
    ws_.control_callback([this](websocket::frame_type, beast::string_view) {
        last_heard_ = Clock::now();  // pings and pongs from the peer: it is alive
    });
    ws_.async_accept(request, beast::bind_front_handler(&WsSession::on_accept, shared_from_this()));
}

void WsSession::on_accept(beast::error_code ec) {
    if (ec) {
        state_.log.info(peer_ + ": WebSocket handshake failed: " + ec.message());
        return finished();
    }
    mcp_ = std::make_shared<McpSession>(
        state_, ws_.get_executor(),
        [weak = weak_from_this()](std::string frame, const Route&) {
            if (auto self = weak.lock()) self->send(std::move(frame));
        },
        peer_);
    mcp_->allow_legacy_frames();  // the original tutorial's clients rely on stream_token
    registry_.add(shared_from_this());
    state_.log.info(peer_ + ": connected" +
                    (ws_.next_layer().socket().is_open() ? "" : " (closing)"));
    last_heard_ = Clock::now();
    arm_ping();
    do_read();
}

void WsSession::do_read() {
    ws_.async_read_some(buffer_, kReadChunk,
                        beast::bind_front_handler(&WsSession::on_read, shared_from_this()));
}

void WsSession::on_read(beast::error_code ec, std::size_t) {
    if (ec == websocket::error::message_too_big) {
        state_.log.info(peer_ + ": message larger than " +
                        std::to_string(state_.config.max_message) + " bytes; closing 1009");
        return close_with(
            websocket::close_code::too_big,
            "message larger than " + std::to_string(state_.config.max_message) + " bytes");
    }
    if (ec) {
        if (ec != websocket::error::closed && ec != net::error::operation_aborted &&
            ec != net::error::eof) {
            state_.log.info(peer_ + ": connection lost: " + ec.message());
        } else {
            state_.log.info(peer_ + ": disconnected");
        }
        return finished();
    }
    last_heard_ = Clock::now();
    if (buffer_.size() > state_.config.max_message) {
        state_.log.info(peer_ + ": message larger than " +
                        std::to_string(state_.config.max_message) + " bytes; closing 1009");
        return close_with(
            websocket::close_code::too_big,
            "message larger than " + std::to_string(state_.config.max_message) + " bytes");
    }
    if (!ws_.is_message_done()) return do_read();
    const std::string frame = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    if (ws_.got_binary()) {
        // MCP over WebSocket is one UTF-8 text frame per message; binary bytes are not
        // guessed at. The connection stays: the next text frame is served as usual.
        state_.log.info(peer_ + ": binary frame of " + std::to_string(frame.size()) +
                        " bytes refused");
        send(error_message(nullptr, {RpcCode::invalid_request,
                                     "Invalid Request: binary WebSocket frames are not "
                                     "accepted; send each JSON-RPC message as one UTF-8 text "
                                     "frame"}));
    } else {
        mcp_->on_message(frame);
    }
    if (!done_) do_read();
}

void WsSession::send(std::string frame) {
    if (closing_ || done_) return;
    if (queued_bytes_ + frame.size() > state_.config.queue_limit) {
        // A client that stops reading must not grow our memory or slow anyone else: it is
        // dropped, and its calls are cancelled (nothing partial is saved).
        state_.stats.slow_clients_dropped.fetch_add(1, std::memory_order_relaxed);
        state_.log.warn(peer_ + ": not reading; " + std::to_string(queued_bytes_) +
                        " bytes queued; closing 1008");
        if (mcp_) mcp_->close();
        return close_with(
            websocket::close_code::policy_error,
            "client too slow: " + std::to_string(queued_bytes_) + " bytes queued unread");
    }
    queued_bytes_ += frame.size();
    enqueue({Outgoing::Kind::text, std::move(frame)});
}

void WsSession::enqueue(Outgoing item) {
    queue_.push_back(std::move(item));
    if (!writing_) do_write();
}

void WsSession::do_write() {
    if (queue_.empty() || done_) return;
    writing_ = true;
    auto& item = queue_.front();
    auto handler = beast::bind_front_handler(&WsSession::on_write, shared_from_this());
    switch (item.kind) {
        case Outgoing::Kind::text:
            ws_.async_write(net::buffer(item.data), std::move(handler));
            break;
        case Outgoing::Kind::ping:
            ws_.async_ping({},
                           [h = std::move(handler)](beast::error_code ec) mutable { h(ec, 0); });
            break;
        case Outgoing::Kind::close:
            ws_.async_close(item.reason,
                            [h = std::move(handler)](beast::error_code ec) mutable { h(ec, 0); });
            break;
    }
}

void WsSession::on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    const auto kind = queue_.front().kind;
    if (kind == Outgoing::Kind::text) queued_bytes_ -= queue_.front().data.size();
    queue_.pop_front();
    if (ec || kind == Outgoing::Kind::close) return finished();
    do_write();
}

void WsSession::close_with(websocket::close_code code, std::string reason) {
    if (closing_ || done_) return;
    closing_ = true;
    // Frames not yet started are dropped; the close goes right after the write in flight.
    while (queue_.size() > (writing_ ? 1u : 0u)) {
        if (queue_.back().kind == Outgoing::Kind::text) queued_bytes_ -= queue_.back().data.size();
        queue_.pop_back();
    }
    Outgoing close{Outgoing::Kind::close, {}, websocket::close_reason(code, reason)};
    enqueue(std::move(close));
}

void WsSession::arm_ping() {
    ping_timer_.expires_after(state_.config.ping_interval);
    ping_timer_.async_wait(
        beast::bind_front_handler(&WsSession::on_ping_timer, shared_from_this()));
}

void WsSession::on_ping_timer(beast::error_code ec) {
    if (ec || done_) return;
    const auto silent = Clock::now() - last_heard_;
    // A closing connection gets no exemption: a peer that takes neither our frames nor the
    // close frame (a slow client dropped with 1008 that never reads again) must not hold it.
    if (silent > state_.config.pong_timeout && (closing_ || !busy())) {
        state_.log.info(
            peer_ + ": no answer to pings for " +
            std::to_string(std::chrono::duration_cast<std::chrono::seconds>(silent).count()) +
            " s; dropped" + (closing_ ? " (its close never completed)" : ""));
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);  // the read fails: finished()
        return;
    }
    if (!closing_ && queue_.size() < 64) enqueue({Outgoing::Kind::ping, {}});
    arm_ping();
}

void WsSession::shutdown() {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
        // Unlike close_with (a drop), what is already queued (a final response) goes out
        // before the close frame.
        if (self->closing_ || self->done_) return;
        self->closing_ = true;
        self->enqueue(
            {Outgoing::Kind::close,
             {},
             websocket::close_reason(websocket::close_code::going_away, "server shutting down")});
    });
}

void WsSession::finished() {
    if (done_) return;
    done_ = true;
    ping_timer_.cancel();
    if (mcp_) mcp_->close();
    registry_.remove(this);
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
}

void SessionRegistry::add(const std::shared_ptr<RegisteredConnection>& c) {
    std::lock_guard lock(mutex_);
    connections_[c.get()] = c;
}

void SessionRegistry::remove(const RegisteredConnection* c) {
    std::lock_guard lock(mutex_);
    connections_.erase(c);
}

void SessionRegistry::shutdown_all() {
    std::lock_guard lock(mutex_);
    for (auto& [p, weak] : connections_) {
        if (auto c = weak.lock()) c->shutdown();
    }
}

std::size_t SessionRegistry::size() const {
    std::lock_guard lock(mutex_);
    return connections_.size();
}

}  // namespace core
