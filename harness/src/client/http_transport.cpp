// Streamable HTTP (MCP 2025-11-25 with a session, 2026-07-28 stateless): every message is a
// POST; a request's answer is application/json (the response) or text/event-stream (progress
// notifications, then the response), read as the bytes arrive and fed to the client as
// WebSocket frames are. HTTP/1.1 carries one exchange per connection at a time, so the link
// keeps a small pool of keep-alive connections: a call in flight holds one, a new call takes
// an idle one or opens another up to ClientOptions::max_connections, and waits (bounded)
// beyond that. Every connection lives on the client's strand.
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <deque>
#include <limits>
#include <vector>

#include "client/beast_names.hpp"
#include "client/http_text.hpp"
#include "client/link.hpp"
#include "client/sse_parser.hpp"
#include "common/mcp_protocol.hpp"

namespace harness {

namespace {

namespace mcp = common::mcp;
using Outgoing = McpClient::Outgoing;

std::int64_t to_us(std::chrono::milliseconds ms) {
    return std::chrono::duration_cast<std::chrono::microseconds>(ms).count();
}

class HttpLink;

// The Outgoing::method of the DELETE that ends a session (not a JSON-RPC method).
constexpr std::string_view kDeleteSession = "DELETE";
constexpr std::string_view kInitializedNotification = "notifications/initialized";

// One keep-alive connection: one exchange at a time.
class HttpConn : public std::enable_shared_from_this<HttpConn> {
  public:
    explicit HttpConn(Strand strand) : stream_(strand), sse_(0) {}

    // Sends one request (connecting first when needed) and reads its answer.
    void start(std::shared_ptr<HttpLink> link, http::request<http::string_body> req,
               Outgoing message);
    beast::tcp_stream& stream() { return stream_; }
    void opened() { connected_ = true; }
    bool busy() const { return busy_; }
    bool connected() const { return connected_; }
    const std::string& call_id() const { return message_.call_id; }
    const std::string& method() const { return message_.method; }
    std::int64_t last_heard_us() const { return last_heard_us_; }
    // Ends the exchange in flight (and the connection) with `why`.
    void fail(const std::string& why);
    void shutdown();

  private:
    enum class Body { none, json, sse, error };

    void on_connect(beast::error_code ec, tcp::endpoint);
    void do_write();
    void on_write(beast::error_code ec, std::size_t);
    void on_header(beast::error_code ec, std::size_t);
    void read_body();
    void on_body(beast::error_code ec, std::size_t);
    void take_bytes(std::string_view bytes, Arrival at);
    void end_exchange();
    void lost(beast::error_code ec, const char* what);

    // Held while an exchange is in flight (the link's pool holds idle connections weakly
    // enough: an idle connection does not keep its link alive).
    std::shared_ptr<HttpLink> link_;
    bool stopped() const;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> req_;
    std::optional<http::response_parser<http::buffer_body>> parser_;
    char body_buf_[16 * 1024];
    Outgoing message_;
    Body body_ = Body::none;
    std::string text_;  // a JSON answer, or an error's body, collected whole
    SseParser sse_;
    bool busy_ = false;
    bool connected_ = false;
    bool reused_ = false;    // the exchange went out on a connection used before
    bool answered_ = false;  // some of the answer arrived
    std::int64_t last_heard_us_ = 0;
};

class HttpLink : public McpClient::Link, public std::enable_shared_from_this<HttpLink> {
  public:
    HttpLink(Strand strand, const ClientOptions& options, WsUrl url, LinkEvents events)
        : strand_(strand),
          options_(options),
          url_(std::move(url)),
          events_(std::move(events)),
          resolver_(strand),
          watchdog_(strand),
          close_timer_(strand) {}

    void open(ConnectHandler done) override;
    bool send(Outgoing message, std::string& error) override;
    void close(CloseHandler done) override;
    void abort() override;

    // For connections.
    const ClientOptions& options() const { return options_; }
    const tcp::resolver::results_type& endpoints() const { return endpoints_; }
    const LinkEvents& events() const { return events_; }
    bool stopped() const { return stopped_; }
    void session_header(std::string_view value);
    std::string url_text() const;
    // The DELETE of the session ended: its status, or 0 and why it failed.
    void deleted(unsigned status, const std::string& error);
    // A connection finished its exchange: it takes the next message waiting, if any.
    void idle(HttpConn& conn, bool keep_alive);
    // The exchange's connection broke before any answer on a reused connection: the server
    // had closed it while idle, so the message goes out again on a fresh one.
    void retry(HttpConn& conn, Outgoing message);

  private:
    http::request<http::string_body> build(const Outgoing& message, http::verb verb) const;
    void dispatch(Outgoing message);
    void start_on(HttpConn& conn, Outgoing message);
    HttpConn* free_conn();
    void drain();
    HttpConn& new_conn();
    void drop(HttpConn& conn);
    void arm_watchdog();
    bool cancel_stream(const Outgoing& message);
    void closed(ClientError error);

    Strand strand_;
    ClientOptions options_;
    WsUrl url_;
    LinkEvents events_;
    tcp::resolver resolver_;
    tcp::resolver::results_type endpoints_;
    net::steady_timer watchdog_;
    net::steady_timer close_timer_;
    std::vector<std::shared_ptr<HttpConn>> conns_;
    std::deque<Outgoing> waiting_;
    std::size_t waiting_bytes_ = 0;
    std::string session_id_;
    std::vector<CloseHandler> on_closed_;
    bool stopped_ = false;
    bool stateless_ = false;
    // notifications/initialized is on its way: what follows waits for its 202, since on
    // another pooled connection it could reach the server first (the session's first
    // request would then come before the client said it was initialized).
    bool ordered_ = false;
};

// --- the connection --------------------------------------------------------------------------

bool HttpConn::stopped() const {
    return !link_ || link_->stopped();
}

void HttpConn::start(std::shared_ptr<HttpLink> link, http::request<http::string_body> req,
                     Outgoing message) {
    link_ = std::move(link);
    busy_ = true;
    answered_ = false;
    reused_ = connected_;
    req_ = std::move(req);
    message_ = std::move(message);
    last_heard_us_ = Arrival::now().steady_us;
    if (connected_) return do_write();
    stream_.expires_after(link_->options().connect_timeout);
    stream_.async_connect(link_->endpoints(),
                          beast::bind_front_handler(&HttpConn::on_connect, shared_from_this()));
}

void HttpConn::on_connect(beast::error_code ec, tcp::endpoint) {
    if (stopped()) return;
    if (ec) return lost(ec, "connect");
    connected_ = true;
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
    do_write();
}

void HttpConn::do_write() {
    stream_.expires_after(link_->options().connect_timeout);
    // Stamped as the write starts, as on WebSocket: Asio tries the send right away.
    if (!message_.call_id.empty()) link_->events().sent(message_.call_id, Arrival::now());
    http::async_write(stream_, req_,
                      beast::bind_front_handler(&HttpConn::on_write, shared_from_this()));
}

void HttpConn::on_write(beast::error_code ec, std::size_t) {
    if (stopped()) return;
    if (ec) return lost(ec, "write");
    // From here the link's watchdog bounds silence: a timer re-armed per read costs more
    // than the rest of reading a token.
    stream_.expires_never();
    parser_.emplace();
    // An event stream has no end; its events are bounded by the SSE parser. (Not boost::none:
    // Beast 1.74 compares a Content-Length with the optional and refuses every body.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser_->header_limit(64 * 1024);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpConn::on_header, shared_from_this()));
}

void HttpConn::on_header(beast::error_code ec, std::size_t) {
    if (stopped() || !parser_) return;  // as in on_body: the parser may be gone
    if (ec) return lost(ec, "read");
    answered_ = true;
    last_heard_us_ = Arrival::now().steady_us;
    const auto& res = parser_->get();
    if (const auto sid = res[mcp::kHeaderSessionId]; !sid.empty()) link_->session_header(sid);
    const unsigned status = res.result_int();
    const std::string_view type = res[http::field::content_type];
    text_.clear();
    if (status < 200 || status >= 300) {
        body_ = Body::error;
    } else if (type.substr(0, 17) == "text/event-stream") {
        body_ = Body::sse;
        sse_ = SseParser(link_->options().max_message_bytes);
    } else if (parser_->is_done() || status == 202 || status == 204) {
        body_ = Body::none;
    } else {
        body_ = Body::json;
    }
    if (parser_->is_done()) return end_exchange();
    read_body();
}

void HttpConn::read_body() {
    auto& body = parser_->get().body();
    body.data = body_buf_;
    body.size = sizeof body_buf_;
    http::async_read_some(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpConn::on_body, shared_from_this()));
}

void HttpConn::on_body(beast::error_code ec, std::size_t) {
    // The exchange may have ended (lost, shut down) while this read was pending: its parser
    // is gone then (UBSan caught a call on the destroyed parser).
    if (stopped() || !parser_) return;
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return lost(ec, "read");
    const Arrival at = Arrival::now();
    last_heard_us_ = at.steady_us;
    const std::size_t n = sizeof body_buf_ - parser_->get().body().size;
    take_bytes(std::string_view(body_buf_, n), at);
    if (!busy_) return;  // take_bytes() failed the exchange
    if (parser_->is_done()) return end_exchange();
    read_body();
}

void HttpConn::take_bytes(std::string_view bytes, Arrival at) {
    const auto& events = link_->events();
    switch (body_) {
        case Body::sse:
            if (!sse_.feed(bytes, [&](const SseEvent& e) {
                    // An event without data primes a resumable stream: nothing to route.
                    if (!e.data.empty()) events.message(e.data, at);
                })) {
                fail("the server's event stream: " + sse_.error());
            }
            return;
        case Body::json:
        case Body::error: {
            const std::size_t limit =
                body_ == Body::json ? link_->options().max_message_bytes : kErrorBodyBytes;
            if (text_.size() + bytes.size() > limit) {
                if (body_ == Body::error) {  // enough to say why: the rest is dropped
                    text_.append(bytes.substr(0, limit - text_.size()));
                    return;
                }
                return fail("a response from the server exceeded " + std::to_string(limit) +
                            " bytes");
            }
            text_.append(bytes);
            return;
        }
        case Body::none:
            return;
    }
}

void HttpConn::end_exchange() {
    const auto& events = link_->events();
    const auto& res = parser_->get();
    const Arrival at = Arrival::now();
    const bool request = !message_.call_id.empty();
    if (message_.method == kDeleteSession) {
        busy_ = false;
        const auto link = std::move(link_);
        shutdown();
        return link->deleted(res.result_int(), text_);
    }
    switch (body_) {
        case Body::json:
            events.message(text_, at);
            if (request)
                events.call_failed(message_.call_id, "the server's JSON answer (HTTP " +
                                                         std::to_string(res.result_int()) +
                                                         ") was not the response");
            break;
        case Body::sse:
            if (!sse_.finish()) {
                if (request)
                    events.call_failed(message_.call_id,
                                       "the server's event stream: " + sse_.error());
            } else if (request) {
                events.call_failed(message_.call_id,
                                   "the server's event stream ended without the response");
            }
            break;
        case Body::error: {
            // A JSON-RPC error answered with an HTTP error status (400 for a parse error, 404
            // for an unknown method under 2026-07-28) is still the server's JSON-RPC answer:
            // routed like any message, so that checks judge it as they do over WebSocket
            // (an id of null reaches on_other). The status stays in the call's error otherwise.
            const bool rpc = looks_like_json_rpc(text_);
            if (rpc) events.message(text_, at);
            const std::string why = describe_http_error(res.result_int(), res.reason(), text_);
            if (request) {
                events.call_failed(message_.call_id, why);
            } else if (!rpc) {
                events.send_failed(why);
            }
            break;
        }
        case Body::none:
            if (request) {
                events.call_failed(message_.call_id,
                                   "HTTP " + std::to_string(res.result_int()) +
                                       " with no body: the server sent no response");
            }
            break;
    }
    // call_failed() after a routed response finds no call and does nothing.
    busy_ = false;
    text_.clear();
    text_.shrink_to_fit();
    const bool keep = res.keep_alive();
    parser_.reset();
    if (!keep) shutdown();
    const auto link = std::move(link_);
    link->idle(*this, keep);
}

void HttpConn::lost(beast::error_code ec, const char* what) {
    if (!busy_) return;
    if (reused_ && !answered_) {
        // The server closed the idle connection while the request was on its way.
        busy_ = false;
        shutdown();
        const auto link = std::move(link_);
        return link->retry(*this, std::move(message_));
    }
    std::string why = std::string(what) + ": " + ec.message();
    if (ec == beast::error::timeout) {
        why = std::string(what) + ": no answer within " +
              std::to_string(link_->options().connect_timeout.count()) + " ms";
    }
    fail("HTTP " + link_->url_text() + " " + why);
}

void HttpConn::fail(const std::string& why) {
    if (!busy_) return;
    busy_ = false;
    shutdown();
    const auto link = std::move(link_);
    if (message_.method == kDeleteSession) return link->deleted(0, why);
    const auto& events = link->events();
    if (!message_.call_id.empty()) {
        events.call_failed(message_.call_id, why);
    } else {
        events.send_failed(why);
    }
    link->idle(*this, false);
}

void HttpConn::shutdown() {
    connected_ = false;
    parser_.reset();
    buffer_.clear();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
}

// --- the link --------------------------------------------------------------------------------

void HttpLink::open(ConnectHandler done) {
    stateless_ = options_.protocol_version == mcp::kStatelessVersion;
    resolver_.async_resolve(
        url_.host, url_.port,
        [self = shared_from_this(), done = std::move(done)](beast::error_code ec,
                                                            tcp::resolver::results_type results) {
            if (self->stopped_) return done({net::error::operation_aborted, "closed"});
            if (ec) return done({ec, "resolve " + self->url_.host + ": " + ec.message()});
            self->endpoints_ = std::move(results);
            // One connection now, so that an unreachable server fails connect() as on
            // WebSocket; it then waits in the pool for the first message.
            auto conn = std::make_shared<HttpConn>(self->strand_);
            auto& stream = conn->stream();
            stream.expires_after(self->options_.connect_timeout);
            stream.async_connect(
                self->endpoints_, [self, conn, done](beast::error_code connect_ec, tcp::endpoint) {
                    if (self->stopped_) return done({net::error::operation_aborted, "closed"});
                    if (connect_ec) {
                        return done({connect_ec,
                                     "connect " + self->url_text() + ": " + connect_ec.message()});
                    }
                    conn->opened();
                    self->conns_.push_back(conn);
                    self->arm_watchdog();
                    done({});
                });
        });
}

std::string HttpLink::url_text() const {
    return "http://" + url_.host + ":" + url_.port + url_.target;
}

http::request<http::string_body> HttpLink::build(const Outgoing& message, http::verb verb) const {
    http::request<http::string_body> req{verb, url_.target, 11};
    req.set(http::field::host, url_.host + ":" + url_.port);
    req.set(http::field::user_agent, options_.user_agent);
    req.keep_alive(true);
    for (const auto& [name, value] : options_.headers) req.set(name, value);
    if (!session_id_.empty()) req.set(mcp::kHeaderSessionId, session_id_);
    // The version header goes on everything after initialize (2025), on everything (2026).
    if (stateless_ || message.method != "initialize") {
        req.set(mcp::kHeaderProtocolVersion, options_.protocol_version);
    }
    if (verb == http::verb::post) {
        req.set(http::field::content_type, "application/json");
        req.set(http::field::accept, "application/json, text/event-stream");
        if (stateless_ && !message.method.empty()) {
            req.set(mcp::kHeaderMethod, message.method);
            if (!message.name.empty()) req.set(mcp::kHeaderName, header_value(message.name));
        }
        req.body() = message.data;
    }
    req.prepare_payload();
    return req;
}

bool HttpLink::send(Outgoing message, std::string& error) {
    if (stopped_) {
        error = "not connected";
        return false;
    }
    if (stateless_ && message.method == "notifications/cancelled" && cancel_stream(message)) {
        return true;
    }
    if (waiting_bytes_ + message.data.size() > options_.queue_limit_bytes) {
        error = "outgoing queue full (" + std::to_string(waiting_bytes_) + " bytes waiting)";
        return false;
    }
    dispatch(std::move(message));
    return true;
}

// The stateless revision cancels a request by closing its stream.
bool HttpLink::cancel_stream(const Outgoing& message) {
    std::string id;
    try {
        const auto j = nlohmann::json::parse(message.data);
        id = route_key(j.at("params").at("requestId"));
    } catch (const nlohmann::json::exception&) {
        return false;  // not ours to judge: sent as is
    }
    for (const auto& conn : conns_) {
        if (conn->busy() && conn->call_id() == id) {
            conn->fail("cancelled: the client closed the stream");
            return true;
        }
    }
    return true;  // the call is over already: nothing to cancel, nothing to send
}

void HttpLink::dispatch(Outgoing message) {
    HttpConn* conn = ordered_ || !waiting_.empty() ? nullptr : free_conn();
    if (!conn) {
        waiting_bytes_ += message.data.size();
        waiting_.push_back(std::move(message));
        return;
    }
    start_on(*conn, std::move(message));
}

// An idle connection (a connected one first), a new one while the pool has room, or none.
HttpConn* HttpLink::free_conn() {
    HttpConn* free = nullptr;
    for (const auto& conn : conns_) {
        if (!conn->busy() && (conn->connected() || !free)) free = conn.get();
        if (free && free->connected()) break;
    }
    if (!free && conns_.size() < std::max<std::size_t>(options_.max_connections, 1)) {
        free = &new_conn();
    }
    return free;
}

void HttpLink::start_on(HttpConn& conn, Outgoing message) {
    if (message.method == kInitializedNotification) ordered_ = true;
    auto req = build(message, http::verb::post);
    conn.start(shared_from_this(), std::move(req), std::move(message));
}

// Messages that waited go out in their order, as far as connections allow.
void HttpLink::drain() {
    while (!stopped_ && !ordered_ && !waiting_.empty()) {
        HttpConn* conn = free_conn();
        if (!conn) return;
        Outgoing next = std::move(waiting_.front());
        waiting_.pop_front();
        waiting_bytes_ -= next.data.size();
        start_on(*conn, std::move(next));
    }
}

HttpConn& HttpLink::new_conn() {
    conns_.push_back(std::make_shared<HttpConn>(strand_));
    return *conns_.back();
}

void HttpLink::session_header(std::string_view value) {
    if (session_id_.empty()) session_id_ = std::string(value);
}

void HttpLink::idle(HttpConn& conn, bool keep_alive) {
    if (stopped_) return;
    if (conn.method() == kInitializedNotification) ordered_ = false;
    if (!keep_alive) drop(conn);
    if (waiting_.empty()) return;
    // Posted: this runs inside the finished exchange's handler.
    net::post(strand_, [self = shared_from_this()] { self->drain(); });
}

void HttpLink::retry(HttpConn& conn, Outgoing message) {
    drop(conn);
    if (stopped_) return;
    HttpConn& fresh = new_conn();
    auto req = build(message, http::verb::post);
    fresh.start(shared_from_this(), std::move(req), std::move(message));
}

void HttpLink::drop(HttpConn& conn) {
    for (auto it = conns_.begin(); it != conns_.end(); ++it) {
        if (it->get() == &conn) {
            // Its pending handlers hold it until they run and see it is not busy.
            conns_.erase(it);
            return;
        }
    }
}

void HttpLink::arm_watchdog() {
    if (options_.idle_timeout.count() <= 0 || stopped_) return;
    watchdog_.expires_after(options_.idle_timeout / 2);
    watchdog_.async_wait([weak = weak_from_this()](beast::error_code ec) {
        auto self = weak.lock();
        if (ec || !self || self->stopped_) return;
        const auto now = Arrival::now().steady_us;
        const auto limit = to_us(self->options_.idle_timeout);
        // Copied: fail() drops connections from the pool.
        const auto conns = self->conns_;
        for (const auto& conn : conns) {
            const auto silent = now - conn->last_heard_us();
            if (conn->busy() && silent >= limit) {
                conn->fail("nothing heard from the server for " + std::to_string(silent / 1000) +
                           " ms");
            }
        }
        self->arm_watchdog();
    });
}

void HttpLink::close(CloseHandler done) {
    if (stopped_) return done({});
    on_closed_.push_back(std::move(done));
    if (on_closed_.size() > 1) return;
    for (const auto& conn : conns_) conn->shutdown();
    conns_.clear();
    waiting_.clear();
    waiting_bytes_ = 0;
    if (session_id_.empty() || stateless_) return closed({});
    // 2025-11-25: the client ends its session with a DELETE, bounded by connect_timeout.
    Outgoing del;
    del.method = std::string(kDeleteSession);
    auto conn = std::make_shared<HttpConn>(strand_);
    conns_.push_back(conn);
    close_timer_.expires_after(options_.connect_timeout);
    close_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
        if (auto self = weak.lock(); self && !ec) {
            self->closed({beast::error::timeout,
                          "no answer to DELETE within " +
                              std::to_string(self->options_.connect_timeout.count()) + " ms"});
        }
    });
    conn->start(shared_from_this(), build(del, http::verb::delete_), std::move(del));
}

void HttpLink::deleted(unsigned status, const std::string& error) {
    if (!error.empty()) return closed({net::error::connection_aborted, "DELETE: " + error});
    // 405: the server does not let clients end sessions, which the spec allows.
    if (status >= 300 && status != 405) {
        return closed({make_error_code(boost::system::errc::protocol_error),
                       "DELETE of the session: HTTP " + std::to_string(status)});
    }
    closed({});
}

void HttpLink::closed(ClientError error) {
    if (stopped_) return;
    abort();
    auto waiters = std::move(on_closed_);
    for (auto& w : waiters) {
        if (w) w(error);
    }
}

void HttpLink::abort() {
    stopped_ = true;
    resolver_.cancel();
    watchdog_.cancel();
    close_timer_.cancel();
    for (const auto& conn : conns_) conn->shutdown();
    conns_.clear();
    waiting_.clear();
    waiting_bytes_ = 0;
}

}  // namespace

std::shared_ptr<McpClient::Link> make_http_link(Strand strand, const ClientOptions& options,
                                                WsUrl url, LinkEvents events) {
    return std::make_shared<HttpLink>(strand, options, std::move(url), std::move(events));
}

}  // namespace harness
