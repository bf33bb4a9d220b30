#include "net/http_session.hpp"

#include <array>
#include <random>

#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace core {

namespace net = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// 128 random bits as 32 hex digits: visible ASCII as the revision requires, and not guessable
// (a session id is all a request needs to act in that session).
std::string new_session_id() {
    static thread_local std::random_device device;
    std::string id;
    id.reserve(32);
    constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 4; ++i) {
        const std::uint32_t word = device();
        for (int b = 0; b < 8; ++b) id += kHex[(word >> (4 * b)) & 0xF];
    }
    return id;
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

}  // namespace

HttpSession::HttpSession(ServerState& state, net::any_io_executor strand, std::string id,
                         std::string peer)
    : state_(state), strand_(std::move(strand)), id_(std::move(id)) {
    touch();
    mcp_ = std::make_shared<McpSession>(
        state_, strand_,
        // The McpSession and this session share a strand: `this` is alive while it is.
        [this](std::string frame, const Route& route) { send(std::move(frame), route); },
        std::move(peer));
    // notifications/cancelled: the POST that waits for that call's answer is ended.
    mcp_->on_cancelled([this](std::string_view key) {
        const auto it = waiting_.find(key);
        if (it == waiting_.end()) return;
        auto sink = it->second.lock();
        waiting_.erase(it);
        in_flight_.store(mcp_->in_flight(), std::memory_order_relaxed);
        if (sink) sink->end_unanswered();
    });
}

void HttpSession::touch() {
    last_used_ns_.store(now_ns(), std::memory_order_relaxed);
}

void HttpSession::post(Incoming message, std::shared_ptr<ResponseSink> sink) {
    touch();
    net::post(strand_,
              [self = shared_from_this(), message = std::move(message),
               sink = std::move(sink)]() mutable { self->dispatch(message, std::move(sink)); });
}

void HttpSession::dispatch(const Incoming& message, std::shared_ptr<ResponseSink> sink) {
    const auto* request = std::get_if<Request>(&message);
    const std::string key = request ? request->id.dump() : std::string();
    current_ = sink;
    mcp_->on_incoming(message);
    // Still set: the request was not answered at once (a call in flight); its answer comes
    // later, by request id.
    if (current_ && request) waiting_[key] = current_;
    current_.reset();
    in_flight_.store(mcp_->in_flight(), std::memory_order_relaxed);
}

void HttpSession::send(std::string frame, const Route& route) {
    if (current_) {
        auto sink = current_;
        if (route.final) current_.reset();
        sink->deliver(std::move(frame), route);
        return;
    }
    const auto it = waiting_.find(route.call);
    if (it == waiting_.end()) return;  // its stream is gone: nothing to send it on
    auto sink = it->second.lock();
    if (route.final) {
        waiting_.erase(it);
        touch();
        in_flight_.store(mcp_->in_flight(), std::memory_order_relaxed);
    }
    if (sink) sink->deliver(std::move(frame), route);
}

void HttpSession::stream_lost(std::string key) {
    net::post(strand_, [self = shared_from_this(), key = std::move(key)] {
        if (self->waiting_.erase(key) == 0) return;
        self->mcp_->cancel(key, "its response stream closed before the answer");
        self->in_flight_.store(self->mcp_->in_flight(), std::memory_order_relaxed);
        self->touch();
    });
}

void HttpSession::end() {
    net::post(strand_, [self = shared_from_this()] {
        self->mcp_->close();
        self->waiting_.clear();
        self->in_flight_.store(0, std::memory_order_relaxed);
    });
}

bool HttpSession::idle_before(Clock::time_point cutoff) const {
    const auto cutoff_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(cutoff.time_since_epoch()).count();
    return in_flight_.load(std::memory_order_relaxed) == 0 &&
           last_used_ns_.load(std::memory_order_relaxed) < cutoff_ns;
}

HttpSessions::HttpSessions(net::io_context& io, ServerState& state)
    : io_(io), state_(state), sweep_timer_(net::make_strand(io)) {}

std::shared_ptr<HttpSession> HttpSessions::open(const std::string& peer) {
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= state_.config.max_sessions) return nullptr;
    std::string id = new_session_id();
    while (sessions_.count(id) != 0) id = new_session_id();
    auto session = std::make_shared<HttpSession>(state_, net::make_strand(io_), id, peer);
    sessions_.emplace(id, session);
    state_.stats.http_sessions.fetch_add(1, std::memory_order_relaxed);
    if (!sweeping_) {
        sweeping_ = true;
        net::post(sweep_timer_.get_executor(), [this] { sweep(); });
    }
    return session;
}

std::shared_ptr<HttpSession> HttpSessions::find(std::string_view id) const {
    std::lock_guard lock(mutex_);
    const auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second;
}

bool HttpSessions::close(std::string_view id) {
    std::shared_ptr<HttpSession> session;
    {
        std::lock_guard lock(mutex_);
        const auto it = sessions_.find(id);
        if (it == sessions_.end()) return false;
        session = std::move(it->second);
        sessions_.erase(it);
    }
    state_.stats.http_sessions.fetch_sub(1, std::memory_order_relaxed);
    session->end();
    return true;
}

void HttpSessions::stop_sweeping() {
    {
        std::lock_guard lock(mutex_);
        sweeping_ = false;
    }
    net::post(sweep_timer_.get_executor(), [this] { sweep_timer_.cancel(); });
}

std::size_t HttpSessions::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

// On the timer's strand. Sessions nobody deletes (a client that crashed, or simply never
// says goodbye) are ended after session_idle_timeout; the sweep runs a few times per timeout.
void HttpSessions::sweep() {
    const auto timeout = state_.config.session_idle_timeout;
    const auto cutoff = Clock::now() - timeout;
    std::vector<std::string> idle;
    {
        std::lock_guard lock(mutex_);
        if (!sweeping_) return;
        for (const auto& [id, session] : sessions_) {
            if (session->idle_before(cutoff)) idle.push_back(id);
        }
    }
    for (const auto& id : idle) {
        if (close(id))
            state_.log.info("HTTP session " + id + " ended: idle for " +
                            std::to_string(timeout.count()) + " ms");
    }
    sweep_timer_.expires_after(std::max<std::chrono::milliseconds>(
        std::chrono::milliseconds(10),
        std::min<std::chrono::milliseconds>(timeout / 4, std::chrono::seconds(60))));
    sweep_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) sweep();
    });
}

}  // namespace core
