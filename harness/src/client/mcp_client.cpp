#include "harness/mcp_client.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "client/beast_names.hpp"
#include "client/link.hpp"
#include "common/mcp_protocol.hpp"

namespace harness {

using nlohmann::json;

std::shared_ptr<McpClient> McpClient::create(net::io_context& io) {
    return std::shared_ptr<McpClient>(new McpClient(io));
}

McpClient::McpClient(net::io_context& io)
    : strand_(net::make_strand(io)),
      resolver_(strand_),
      ws_(strand_),
      idle_timer_(strand_),
      connect_timer_(strand_) {}

McpClient::~McpClient() {
    if (link_) link_->abort();  // its child process or sockets end with us
}

void McpClient::on_other(FrameHandler handler) {
    net::dispatch(strand_, [self = shared_from_this(), h = std::move(handler)]() mutable {
        self->router_.on_other(std::move(h));
    });
}

void McpClient::on_close(CloseHandler handler) {
    net::dispatch(strand_, [self = shared_from_this(), h = std::move(handler)]() mutable {
        self->on_close_ = std::move(h);
    });
}

std::string McpClient::subprotocol() const {
    return open_.load(std::memory_order_acquire) ? subprotocol_ : std::string();
}

McpClient::Stats McpClient::stats() const {
    Stats s;
    s.frames_in = frames_in_.load(std::memory_order_relaxed);
    s.bytes_in = bytes_in_.load(std::memory_order_relaxed);
    s.tokens_in = tokens_in_.load(std::memory_order_relaxed);
    s.frames_out = frames_out_.load(std::memory_order_relaxed);
    s.bytes_out = bytes_out_.load(std::memory_order_relaxed);
    s.unrouted = router_.counters().unrouted;  // the router's own counts (any thread)
    s.invalid = router_.counters().invalid;
    return s;
}

// --- calls ----------------------------------------------------------------------------------

std::string McpClient::request(std::string method, json params, TokenHandler on_token,
                               DoneHandler on_done, RequestOptions options) {
    const std::int64_t id = next_id_.fetch_add(1, std::memory_order_relaxed);
    const std::string key = std::to_string(id);
    CallRecord record;
    record.id = key;
    record.method = method;
    record.queued_steady_us = Arrival::now().steady_us;
    if (params.is_object() && params.contains("_meta") && params["_meta"].is_object() &&
        params["_meta"].contains("progressToken")) {
        record.progress_token = route_key(params["_meta"]["progressToken"]);
    } else if (options.progress) {
        if (params.is_null()) params = json::object();
        const std::string token = "pt-" + key;
        params["_meta"]["progressToken"] = token;
        record.progress_token = route_key(token);
    }
    if (stateless_.load(std::memory_order_acquire)) add_stateless_meta(params);
    Outgoing out;
    out.call_id = key;
    out.method = method;
    if (params.is_object()) {
        // The Mcp-Name header's source (http, stateless revision).
        for (const char* field : {"name", "uri"}) {
            if (params.contains(field) && params[field].is_string()) {
                out.name = params[field].get<std::string>();
                break;
            }
        }
    }
    json message = {{"jsonrpc", "2.0"}, {"id", id}, {"method", std::move(method)}};
    if (!params.is_null()) message["params"] = std::move(params);
    std::string text;
    try {
        text = message.dump();
    } catch (const json::exception& e) {  // a string that is not UTF-8: send_raw() sends those
        record.error = std::string("cannot encode the request: ") + e.what();
    }
    const auto timeout = options.timeout;
    out.data = std::move(text);
    net::post(strand_, [self = shared_from_this(), out = std::move(out), record = std::move(record),
                        on_token = std::move(on_token), on_done = std::move(on_done),
                        keep = options.keep_tokens, timeout]() mutable {
        self->start_call(std::move(out), std::move(record), std::move(on_token), std::move(on_done),
                         keep, timeout);
    });
    return key;
}

void McpClient::add_stateless_meta(json& params) {
    if (params.is_null()) params = json::object();
    if (!params.is_object()) return;  // not ours to fix: sent as the caller wrote it
    json& meta = params["_meta"];
    if (!meta.is_object()) meta = json::object();
    std::lock_guard lock(meta_mutex_);
    meta[common::mcp::kMetaProtocolVersion] = default_version_;
    meta[common::mcp::kMetaClientCapabilities] = json::object();
    meta[common::mcp::kMetaClientInfo] = client_info_;
}

std::string McpClient::call(std::string method, json params, DoneHandler on_done,
                            RequestOptions options) {
    return request(std::move(method), std::move(params), {}, std::move(on_done), options);
}

void McpClient::start_call(Outgoing message, CallRecord record, TokenHandler on_token,
                           DoneHandler on_done, bool keep_tokens,
                           std::chrono::milliseconds timeout) {
    const std::string id = message.call_id;
    if (!record.error.empty() || state_ != State::open || close_requested_) {
        if (record.error.empty()) record.error = "not connected";
        record.failed_steady_us = Arrival::now().steady_us;
        if (on_done) on_done(std::move(record));
        return;
    }
    if (timeout.count() < 0) timeout = options_.request_timeout;
    if (timeout.count() > 0) {
        auto timer = std::make_unique<net::steady_timer>(strand_, timeout);
        timer->async_wait([weak = weak_from_this(), id, timeout](beast::error_code ec) {
            auto self = weak.lock();
            if (ec || !self) return;
            self->deadlines_.erase(id);
            if (self->router_.fail(
                    id, std::string(kNoResponseWithin) + std::to_string(timeout.count()) + " ms",
                    Arrival::now())) {
                // The server may still be working on it: tell it to stop.
                self->notify("notifications/cancelled",
                             {{"requestId", json::parse(id)}, {"reason", "client timeout"}});
            }
        });
        deadlines_[id] = std::move(timer);
        // The router (ours) keeps this until the call ends, which may be never if the loop
        // stops first: a strong reference would make the client own itself and outlive it.
        on_done = [weak = weak_from_this(), id, user = std::move(on_done)](CallRecord r) {
            if (auto self = weak.lock()) {
                if (auto it = self->deadlines_.find(id); it != self->deadlines_.end()) {
                    it->second->cancel();
                    self->deadlines_.erase(it);
                }
            }
            if (user) user(std::move(r));
        };
    }
    router_.expect(std::move(record), std::move(on_token), std::move(on_done), keep_tokens);
    std::string error;
    if (!enqueue(std::move(message), error)) router_.fail(id, error, Arrival::now());
}

void McpClient::initialize(std::string protocol_version, json client_info, DoneHandler on_done) {
    {
        std::lock_guard lock(meta_mutex_);
        if (protocol_version.empty()) protocol_version = default_version_;
        client_info_ = client_info;
    }
    if (protocol_version == common::mcp::kStatelessVersion) {
        // No handshake in the stateless revision: discovery takes its place (and its
        // _meta carries the version, the capabilities and clientInfo).
        call("server/discover", json::object(), std::move(on_done));
        return;
    }
    json params = {{"protocolVersion", std::move(protocol_version)},
                   {"capabilities", json::object()},
                   {"clientInfo", std::move(client_info)}};
    // Weak for the reason given in start_call(): our router keeps this until the answer.
    call("initialize", std::move(params),
         [weak = weak_from_this(), user = std::move(on_done)](CallRecord r) {
             if (auto self = weak.lock(); self && r.ok()) self->notify("notifications/initialized");
             if (user) user(std::move(r));
         });
}

void McpClient::notify(std::string method, json params) {
    json message = {{"jsonrpc", "2.0"}, {"method", method}};
    if (!params.is_null()) message["params"] = std::move(params);
    try {
        send_message(message.dump(), std::move(method));
    } catch (const json::exception& e) {
        net::post(strand_, [self = shared_from_this(), what = std::string(e.what())] {
            self->router_.report(invalid_frame("send: cannot encode the notification: " + what));
        });
    }
}

void McpClient::cancel(const std::string& id, std::string reason) {
    net::post(strand_, [self = shared_from_this(), id, reason = std::move(reason)] {
        if (!self->router_.fail(id, "cancelled: " + reason, Arrival::now())) return;
        // After the local end: the stateless HTTP link cancels by closing the call's stream,
        // and any frame still on its way for the call is then unrouted, not a token.
        self->notify("notifications/cancelled",
                     {{"requestId", json::parse(id)}, {"reason", reason}});
    });
}

void McpClient::send_raw(std::string text) {
    send_message(std::move(text), {});
}

void McpClient::send_message(std::string text, std::string method) {
    net::post(strand_, [self = shared_from_this(), text = std::move(text),
                        method = std::move(method)]() mutable {
        std::string error;
        if (!self->enqueue({std::move(text), {}, std::move(method), {}}, error)) {
            self->router_.report(invalid_frame("send: " + error));
        }
    });
}

// --- writing --------------------------------------------------------------------------------

bool McpClient::enqueue(Outgoing item, std::string& error) {
    if (state_ != State::open || close_requested_) {
        error = "not connected";
        return false;
    }
    if (queued_bytes_ + item.data.size() > options_.queue_limit_bytes) {
        error = "outgoing queue full (" + std::to_string(queued_bytes_) + " bytes waiting)";
        return false;
    }
    if (link_) {
        const std::size_t n = item.data.size();
        if (!link_->send(std::move(item), error)) return false;
        frames_out_.fetch_add(1, std::memory_order_relaxed);
        bytes_out_.fetch_add(n, std::memory_order_relaxed);
        return true;
    }
    queued_bytes_ += item.data.size();
    queue_.push_back(std::move(item));
    if (!writing_) do_write();
    return true;
}

void McpClient::do_write() {
    if (queue_.empty() || state_ != State::open) return;
    writing_ = true;
    const Outgoing& item = queue_.front();
    // Stamped as the write starts: Asio tries the send right away, so this is when the bytes
    // reach the kernel, not when the completion handler gets to run.
    if (!item.call_id.empty()) router_.sent(item.call_id, Arrival::now());
    ws_.async_write(net::buffer(item.data),
                    beast::bind_front_handler(&McpClient::on_write, shared_from_this()));
}

void McpClient::on_write(beast::error_code ec, std::size_t n) {
    writing_ = false;
    if (state_ == State::closed) return;  // finish() dropped the queue
    queued_bytes_ -= queue_.front().data.size();
    queue_.pop_front();
    if (ec) return finish({ec, "write: " + ec.message()});
    frames_out_.fetch_add(1, std::memory_order_relaxed);
    bytes_out_.fetch_add(n, std::memory_order_relaxed);
    if (!queue_.empty()) return do_write();
    if (state_ == State::open && close_requested_) do_close();
}

// --- reading --------------------------------------------------------------------------------

void McpClient::deliver(std::string_view text, Arrival at) {
    last_heard_us_ = at.steady_us;
    frames_in_.fetch_add(1, std::memory_order_relaxed);
    bytes_in_.fetch_add(text.size(), std::memory_order_relaxed);
    const FrameKind kind = router_.route(text, at);
    if (kind == FrameKind::legacy_token || kind == FrameKind::progress_token) {
        tokens_in_.fetch_add(1, std::memory_order_relaxed);
    }
}

void McpClient::do_read() {
    ws_.async_read(buffer_, beast::bind_front_handler(&McpClient::on_read, shared_from_this()));
}

void McpClient::on_read(beast::error_code ec, std::size_t n) {
    if (ec) {
        if (ec == websocket::error::closed) {
            if (close_requested_) return finish({});
            const auto& reason = ws_.reason();
            ClientError closed{ec, "closed by the server"};
            if (reason.code != websocket::close_code::none) {
                closed.close_code = reason.code;
                closed.close_reason = std::string(reason.reason);
                closed.message += " (" + std::to_string(reason.code) +
                                  (reason.reason.empty() ? "" : " " + closed.close_reason) + ")";
            }
            return finish(std::move(closed));
        }
        if (close_requested_ && ec == net::error::operation_aborted) return finish({});
        if (ec == websocket::error::message_too_big) {
            return finish({ec, "a message from the server exceeded " +
                                   std::to_string(options_.max_message_bytes) + " bytes"});
        }
        if (ec == beast::error::timeout) {  // Beast's close-handshake deadline
            return finish({ec, "no answer to the close handshake within " +
                                   std::to_string(options_.connect_timeout.count()) + " ms"});
        }
        return finish({ec, "read: " + ec.message()});
    }
    const Arrival at = Arrival::now();
    last_heard_us_ = at.steady_us;
    frames_in_.fetch_add(1, std::memory_order_relaxed);
    bytes_in_.fetch_add(n, std::memory_order_relaxed);
    const auto data = buffer_.cdata();
    const std::string_view text(static_cast<const char*>(data.data()), data.size());
    FrameKind kind;
    if (ws_.got_text()) {
        kind = router_.route(text, at);
    } else {
        kind = FrameKind::invalid;
        router_.route(invalid_frame("binary frame"), at);
    }
    if (kind == FrameKind::legacy_token || kind == FrameKind::progress_token) {
        tokens_in_.fetch_add(1, std::memory_order_relaxed);
    }
    buffer_.consume(buffer_.size());
    if (state_ == State::open || state_ == State::closing) do_read();
}

// --- keep-alive -----------------------------------------------------------------------------

void McpClient::arm_idle_check() {
    if (options_.idle_timeout.count() <= 0) return;
    idle_timer_.expires_after(options_.idle_timeout / 2);
    idle_timer_.async_wait(
        beast::bind_front_handler(&McpClient::on_idle_check, shared_from_this()));
}

void McpClient::on_idle_check(beast::error_code ec) {
    if (ec || state_ != State::open) return;
    const auto silent_us = Arrival::now().steady_us - last_heard_us_;
    const auto idle_us =
        std::chrono::duration_cast<std::chrono::microseconds>(options_.idle_timeout).count();
    if (silent_us >= idle_us) {
        return finish({beast::error::timeout, "nothing heard from the server for " +
                                                  std::to_string(silent_us / 1000) + " ms"});
    }
    if (silent_us >= idle_us / 2 && !ping_in_flight_) {
        // Beast lets a ping go out while a message is being written.
        ping_in_flight_ = true;
        ws_.async_ping({}, [self = shared_from_this()](beast::error_code) {
            self->ping_in_flight_ = false;  // a failure shows up on the read side
        });
    }
    arm_idle_check();
}

// --- closing --------------------------------------------------------------------------------

void McpClient::close(CloseHandler on_closed) {
    net::post(strand_, [self = shared_from_this(), h = std::move(on_closed)]() mutable {
        if (self->state_ == State::closed) {
            if (h) h({});
            return;
        }
        if (h) self->on_closed_waiters_.push_back(std::move(h));
        if (self->close_requested_) return;
        self->close_requested_ = true;
        if (self->state_ == State::idle) {
            self->state_ = State::closed;
            for (auto& w : self->on_closed_waiters_) w({});
            self->on_closed_waiters_.clear();
            return;
        }
        if (self->state_ == State::connecting) {
            if (self->link_) return;  // opened() sees close_requested_
            beast::error_code ignored;
            self->resolver_.cancel();
            self->ws_.next_layer().close(ignored);
            return;
        }
        if (!self->writing_) self->do_close();  // else after the frames already queued
    });
}

void McpClient::do_close() {
    if (state_ != State::open) return;
    state_ = State::closing;
    idle_timer_.cancel();
    router_.fail_all("connection closed by the client", Arrival::now());
    if (link_) {
        return link_->close([weak = weak_from_this()](const ClientError& error) {
            if (auto self = weak.lock()) self->finish(error);
        });
    }
    ws_.async_close(websocket::close_code::normal,
                    beast::bind_front_handler(&McpClient::on_closed, shared_from_this()));
}

void McpClient::on_closed(beast::error_code ec) {
    // The read loop sees the server's close frame and finishes; a failed close finishes here.
    if (ec && ec != net::error::operation_aborted) finish({ec, "close: " + ec.message()});
}

void McpClient::finish(ClientError error) {
    if (state_ == State::closed) return;
    const bool asked = close_requested_;
    state_ = State::closed;
    open_.store(false, std::memory_order_release);
    idle_timer_.cancel();
    for (auto& [id, timer] : deadlines_) timer->cancel();
    deadlines_.clear();
    router_.fail_all(error ? "connection lost: " + error.message : "connection closed",
                     Arrival::now());
    if (link_) link_->abort();
    beast::error_code ignored;
    ws_.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
    ws_.next_layer().close(ignored);
    queue_.clear();
    queued_bytes_ = 0;
    const ClientError reported = asked && !error ? ClientError{} : error;
    for (auto& w : on_closed_waiters_) {
        if (w) w(reported);
    }
    on_closed_waiters_.clear();
    if (auto h = std::move(on_close_)) h(reported);
}

}  // namespace harness
