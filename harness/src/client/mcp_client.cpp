#include "harness/mcp_client.hpp"

#include <algorithm>
#include <cstring>
#include <random>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/error.hpp>

#include "client/beast_names.hpp"
#include "client/link.hpp"
#include "client/ws_frame.hpp"
#include "client/ws_handshake.hpp"
#include "common/mcp_protocol.hpp"
#include "common/rng.hpp"

namespace harness {

using nlohmann::json;

std::shared_ptr<McpClient> McpClient::create(net::io_context& io) {
    return std::shared_ptr<McpClient>(new McpClient(io));
}

namespace {

std::uint64_t fresh_seed() {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
}

}  // namespace

McpClient::McpClient(net::io_context& io)
    : strand_(net::make_strand(io)),
      resolver_(strand_),
      socket_(strand_),
      mask_state_(fresh_seed()),
      idle_timer_(strand_),
      connect_timer_(strand_) {
    if (net::has_service<ReadMux>(io)) mux_ = &net::use_service<ReadMux>(io);
}

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
    push_frame(static_cast<int>(ws::Opcode::text), item.data, std::move(item.call_id));
    return true;
}

void McpClient::push_frame(int opcode, std::string_view payload, std::string call_id) {
    Outgoing out;
    out.data.reserve(payload.size() + 14);
    ws::append_frame(out.data, static_cast<ws::Opcode>(opcode), payload,
                     static_cast<std::uint32_t>(common::splitmix64(mask_state_)));
    out.call_id = std::move(call_id);
    // The message's own size, for the stats; control frames are not messages.
    out.payload_bytes = payload.size();
    out.control = opcode != static_cast<int>(ws::Opcode::text);
    queued_bytes_ += out.data.size();
    queue_.push_back(std::move(out));
    if (!writing_) do_write();
}

void McpClient::do_write() {
    if (queue_.empty() || state_ == State::closed) return;
    writing_ = true;
    const Outgoing& item = queue_.front();
    // Stamped as the write starts: Asio tries the send right away, so this is when the bytes
    // reach the kernel, not when the completion handler gets to run.
    if (!item.call_id.empty()) router_.sent(item.call_id, Arrival::now());
    net::async_write(socket_, net::buffer(item.data),
                     beast::bind_front_handler(&McpClient::on_write, shared_from_this()));
}

void McpClient::on_write(beast::error_code ec, std::size_t) {
    writing_ = false;
    if (state_ == State::closed) return;  // finish() dropped the queue
    const bool message = !queue_.front().control;
    const std::size_t payload = queue_.front().payload_bytes;
    queued_bytes_ -= queue_.front().data.size();
    queue_.pop_front();
    if (ec) {
        if (finish_when_written_) return finish(*finish_when_written_);
        return finish({ec, "write: " + ec.message()});
    }
    if (message) {
        frames_out_.fetch_add(1, std::memory_order_relaxed);
        bytes_out_.fetch_add(payload, std::memory_order_relaxed);
    }
    if (!queue_.empty()) return do_write();
    if (finish_when_written_) return finish(*finish_when_written_);
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

void McpClient::start_reading() {
    if (mux_ != nullptr) {
        beast::error_code ec;
        socket_.non_blocking(true, ec);  // readable() reads until EAGAIN says "drained"
        if (!ec) {
            // The aliasing constructor: the base is private, std:: may not convert to it.
            mux_watch_ = mux_->add(socket_.native_handle(),
                                 std::shared_ptr<ReadMux::Reader>(
                                     shared_from_this(), static_cast<ReadMux::Reader*>(this)));
        }
        if (mux_watch_ != 0) return;  // epoll reports what is already waiting, too
    }
    do_read();
}

bool McpClient::make_room() {
    if (in_size_ < in_capacity_) return true;
    // A frame larger than the buffer: room for it, up to the largest the reader lets through
    // (a longer one has failed on its header before this).
    const std::size_t most = options_.max_message_bytes + 14;
    if (in_capacity_ >= most) {
        fail_protocol(make_error_code(boost::system::errc::message_size),
                      "a frame larger than the read buffer", ws::kCloseProtocolError);
        return false;
    }
    const std::size_t grown = std::min(most, in_capacity_ * 2);
    std::unique_ptr<char[]> bigger(new char[grown]);
    std::memcpy(bigger.get(), in_.get(), in_size_);
    in_ = std::move(bigger);
    in_capacity_ = grown;
    return true;
}

void McpClient::do_read() {
    if (!make_room()) return;
    socket_.async_read_some(net::buffer(in_.get() + in_size_, in_capacity_ - in_size_),
                            beast::bind_front_handler(&McpClient::on_read, shared_from_this()));
}

void McpClient::on_read(beast::error_code ec, std::size_t n) {
    if (took(ec, n)) do_read();
}

void McpClient::readable() {
    // Edge-triggered: the mux calls again only when more arrives, so what has arrived is
    // read now, until a read comes back short.
    while (state_ != State::closed && make_room()) {
        const std::size_t room = in_capacity_ - in_size_;
        beast::error_code ec;
        const std::size_t n = socket_.read_some(net::buffer(in_.get() + in_size_, room), ec);
        if (ec == net::error::would_block || ec == net::error::try_again) return;
        if (ec == net::error::interrupted) continue;
        if (!took(ec, n) || n < room) return;
    }
}

bool McpClient::took(beast::error_code ec, std::size_t n) {
    if (state_ == State::closed) return false;
    if (ec) {
        if (finish_when_written_) {
            finish(*finish_when_written_);
        } else if (close_requested_ && ec == net::error::operation_aborted) {
            finish({});
        } else {
            finish({ec, "read: " + ec.message()});
        }
        return false;
    }
    in_size_ += n;
    return take_frames();
}

bool McpClient::take_frames() {
    // Every frame of one read arrived together: one stamp for all of them.
    const Arrival at = Arrival::now();
    const std::string_view data(in_.get(), in_size_);
    std::size_t used = 0;
    bool reading = true;
    while (reading) {
        auto e = reader_->next(data, &used);
        if (!e) break;
        last_heard_us_ = at.steady_us;
        ping_in_flight_ = false;  // the server is alive
        switch (e->kind) {
            case ws::Event::Kind::message:
                if (e->text) {
                    deliver(e->payload, at);
                } else {
                    frames_in_.fetch_add(1, std::memory_order_relaxed);
                    bytes_in_.fetch_add(e->payload.size(), std::memory_order_relaxed);
                    router_.route(invalid_frame("binary frame"), at);
                }
                break;
            case ws::Event::Kind::ping:
                if (!sent_close_) push_frame(static_cast<int>(ws::Opcode::pong), e->payload);
                break;
            case ws::Event::Kind::pong:
                break;
            case ws::Event::Kind::close: {
                reading = false;
                if (sent_close_) {  // the answer to ours
                    finish(finish_when_written_ ? *finish_when_written_ : ClientError{});
                    break;
                }
                ClientError closed{websocket::error::closed, "closed by the server"};
                if (e->close_code != 0) {
                    closed.close_code = e->close_code;
                    closed.close_reason = std::string(e->close_reason);
                    closed.message += " (" + std::to_string(e->close_code) +
                                      (e->close_reason.empty() ? "" : " " + closed.close_reason) +
                                      ")";
                }
                // Echo the code, as RFC 6455 asks (none when the server gave none).
                close_then_finish(e->close_code != 0 ? e->close_code : ws::kCloseNormal, {},
                                  std::move(closed));
                break;
            }
            case ws::Event::Kind::error: {
                reading = false;
                const bool too_big = e->error_close_code == ws::kCloseTooBig;
                fail_protocol(
                    make_error_code(too_big ? boost::system::errc::message_size
                                            : boost::system::errc::protocol_error),
                    too_big ? e->error : "the server broke the WebSocket protocol: " + e->error,
                    e->error_close_code);
                break;
            }
        }
        if (state_ == State::closed) return false;
    }
    if (used > 0) {
        std::memmove(in_.get(), in_.get() + used, in_size_ - used);
        in_size_ -= used;
    }
    return reading && state_ != State::closed;
}

void McpClient::fail_protocol(beast::error_code ec, std::string why, int code) {
    close_then_finish(code, {}, ClientError{ec, std::move(why)});
}

void McpClient::close_then_finish(int code, std::string_view reason, ClientError then) {
    if (state_ == State::closed) return;
    if (sent_close_) return finish(std::move(then));
    if (state_ == State::open) state_ = State::closing;
    open_.store(false, std::memory_order_release);
    idle_timer_.cancel();
    // Nothing may follow a close frame: what waits behind the frame being written is dropped.
    while (queue_.size() > (writing_ ? 1u : 0u)) {
        queued_bytes_ -= queue_.back().data.size();
        queue_.pop_back();
    }
    finish_when_written_ = std::move(then);
    send_close(code, reason);
}

void McpClient::send_close(int code, std::string_view reason) {
    sent_close_ = true;
    push_frame(static_cast<int>(ws::Opcode::close), ws::close_payload(code, reason));
    // Ended by the server's close frame (our own close), by the write (a close we owe the
    // server), or by this deadline: a server that never reads or never answers.
    connect_timer_.expires_after(options_.connect_timeout);
    connect_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
        auto self = weak.lock();
        if (ec || !self || self->state_ == State::closed) return;
        if (self->finish_when_written_) return self->finish(*self->finish_when_written_);
        self->finish({beast::error::timeout,
                      "no answer to the close handshake within " +
                          std::to_string(self->options_.connect_timeout.count()) + " ms"});
    });
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
        ping_in_flight_ = true;  // until the server is heard from again
        push_frame(static_cast<int>(ws::Opcode::ping), {});
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
            self->socket_.close(ignored);
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
    send_close(ws::kCloseNormal, {});
}

void McpClient::finish(ClientError error) {
    if (state_ == State::closed) return;
    const bool asked = close_requested_;
    state_ = State::closed;
    open_.store(false, std::memory_order_release);
    idle_timer_.cancel();
    connect_timer_.cancel();
    finish_when_written_.reset();
    for (auto& [id, timer] : deadlines_) timer->cancel();
    deadlines_.clear();
    router_.fail_all(error ? "connection lost: " + error.message : "connection closed",
                     Arrival::now());
    if (link_) link_->abort();
    if (mux_watch_ != 0) {  // before the socket closes: its fd number is reused at once
        mux_->remove(socket_.native_handle(), mux_watch_);
        mux_watch_ = 0;
    }
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
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
