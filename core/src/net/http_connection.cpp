#include "net/http_connection.hpp"

#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "common/http_fields.hpp"
#include "common/mcp_protocol.hpp"
#include "net/beast_names.hpp"
#include "net/mcp_http_rules.hpp"
#include "net/ws_session.hpp"
#include "ops/metrics.hpp"

namespace core {

namespace {

constexpr std::size_t kHeaderLimit = 16 * 1024;
constexpr auto kFirstRequestTimeout = std::chrono::seconds(30);
constexpr std::string_view kServerHeader = "Server: patient-summaries-server\r\n";

std::optional<std::string_view> header(const http::request<http::string_body>& req,
                                       std::string_view name) {
    const auto it = req.find(beast::string_view(name.data(), name.size()));
    if (it == req.end()) return std::nullopt;
    return std::string_view(it->value().data(), it->value().size());
}

// Accept lists application/json and text/event-stream (or wildcards covering them); no
// Accept header at all is taken as "anything".
bool accepts_both(std::optional<std::string_view> accept) {
    if (!accept) return true;
    const std::string a = common::http::ascii_lower(*accept);
    const bool any = a.find("*/*") != std::string::npos;
    const bool json = any || a.find("application/json") != std::string::npos ||
                      a.find("application/*") != std::string::npos;
    const bool sse = any || a.find("text/event-stream") != std::string::npos ||
                     a.find("text/*") != std::string::npos;
    return json && sse;
}

std::string peer_of(const tcp::socket& s) {
    beast::error_code ec;
    const auto ep = s.remote_endpoint(ec);
    return ec ? std::string("peer") : ep.address().to_string() + ":" + std::to_string(ep.port());
}

// One chunk of a chunked body.
void append_chunk(std::string& out, std::string_view data) {
    char size[24];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    out.append(size, static_cast<std::size_t>(n));
    out.append(data);
    out.append("\r\n");
}

void append_event(std::string& out, std::string_view frame) {
    // Our frames are compact JSON: no raw newline, so one data line carries the message.
    constexpr std::string_view kHead = "event: message\ndata: ";
    char size[24];
    const int n = std::snprintf(size, sizeof size, "%zx\r\n", kHead.size() + frame.size() + 2);
    out.append(size, static_cast<std::size_t>(n));
    out.append(kHead);
    out.append(frame);
    out.append("\n\n\r\n");
}

}  // namespace

HttpConnection::HttpConnection(tcp::socket&& socket, HttpContext context)
    : stream_(std::move(socket)),
      ctx_(context),
      peer_(peer_of(stream_.socket())),
      keepalive_(stream_.get_executor()) {
    ctx_.state.stats.http_connections.fetch_add(1, std::memory_order_relaxed);
}

HttpConnection::~HttpConnection() {
    ctx_.state.stats.http_connections.fetch_sub(1, std::memory_order_relaxed);
}

void HttpConnection::start() {
    ctx_.registry.add(shared_from_this());
    registered_ = true;
    read_request();
}

void HttpConnection::read_request() {
    if (done_) return;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(ctx_.state.config.max_message);
    // The first request must come soon; between requests a kept-alive connection may idle
    // as long as a WebSocket client may be silent.
    if (requests_read_++ == 0) {
        stream_.expires_after(kFirstRequestTimeout);
    } else {
        stream_.expires_after(ctx_.state.config.pong_timeout);
    }
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpConnection::on_read, shared_from_this()));
}

void HttpConnection::on_read(beast::error_code ec, std::size_t) {
    if (done_) return;
    // A peer that went away or never finished gets nothing; one that sent something we
    // cannot read is told what, so that a misconfigured client is not left guessing.
    keep_alive_ = false;  // until a whole request has been read
    if (ec == http::error::header_limit) {
        return respond(431,
                       "Request headers larger than " + std::to_string(kHeaderLimit) + " bytes\n",
                       "text/plain; charset=utf-8");
    }
    if (ec == http::error::body_limit) {
        return respond(413,
                       "Request body larger than " + std::to_string(ctx_.state.config.max_message) +
                           " bytes (--max-message)\n",
                       "text/plain; charset=utf-8");
    }
    if (ec == http::error::end_of_stream || ec == net::error::eof || ec == beast::error::timeout ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted) {
        return close_now();
    }
    if (ec) {
        ctx_.state.log.info(peer_ + ": malformed HTTP request: " + ec.message());
        return respond(400,
                       "Malformed HTTP request (" + ec.message() +
                           "). The MCP endpoint is http://HOST:PORT/mcp (Streamable HTTP) "
                           "or ws://HOST:PORT/mcp (WebSocket)\n",
                       "text/plain; charset=utf-8");
    }
    route(parser_->release());
}

void HttpConnection::route(HttpRequest req) {
    keep_alive_ = req.keep_alive() && !closing_;
    const auto target = std::string_view(req.target().data(), req.target().size());
    const auto path = target.substr(0, target.find('?'));
    if (req.count(http::field::host) > 1) {
        // RFC 9112 3.2: more than one Host is a bad request; the guard reads only one of them.
        return respond(400, "More than one Host header\n", "text/plain; charset=utf-8");
    }
    if (auto refused = ctx_.guard.check(header(req, "Origin"), header(req, "Host"),
                                        header(req, "Authorization"))) {
        ctx_.state.log.info(peer_ + ": refused " + std::to_string(refused->status) + ": " +
                            refused->message.substr(0, refused->message.size() - 1));
        return respond(
            refused->status, refused->message, "text/plain; charset=utf-8",
            refused->status == 401 ? "WWW-Authenticate: Bearer realm=\"mcp-server\"\r\n" : "");
    }
    if (path == "/mcp" && beast::websocket::is_upgrade(req)) {
        // The WebSocket session takes the socket; this object ends here.
        done_ = true;
        ctx_.registry.remove(this);
        registered_ = false;
        std::make_shared<WsSession>(std::move(stream_), ctx_.state, ctx_.registry)
            ->start(std::move(req));
        return;
    }
    if (path == "/metrics" && req.method() == http::verb::get) {
        return respond(200, render_metrics(ctx_.state), kMetricsContentType);
    }
    if (path != "/mcp") {
        return respond(404, "Not found. The MCP endpoint is /mcp (Streamable HTTP or WebSocket)\n",
                       "text/plain; charset=utf-8");
    }
    ctx_.state.stats.http_requests_total.fetch_add(1, std::memory_order_relaxed);
    if (req.method() == http::verb::post) return on_post(req);
    if (req.method() == http::verb::delete_) return on_delete(req);
    // GET would open a stream for messages the server starts on its own; this server sends
    // none (its tools never change, it makes no requests), so it offers no such stream.
    respond(405, "Method not allowed. POST a JSON-RPC message to /mcp; DELETE ends a session\n",
            "text/plain; charset=utf-8", "Allow: POST, DELETE\r\n");
}

void HttpConnection::on_post(const HttpRequest& req) {
    const auto type = header(req, "Content-Type");
    if (!type || !common::http::is_json_content_type(*type)) {
        return respond(415, "Content-Type must be application/json\n", "text/plain; charset=utf-8");
    }
    if (!accepts_both(header(req, "Accept"))) {
        return respond(406, "Accept must list both application/json and text/event-stream\n",
                       "text/plain; charset=utf-8");
    }
    Incoming in = parse_message(req.body());
    if (const auto* bad = std::get_if<Invalid>(&in)) {
        ctx_.state.log.info(peer_ + ": " + bad->error.message);
        return refuse_rpc(400, bad->id, bad->error);
    }
    const auto* request = std::get_if<Request>(&in);
    const Id id = request ? request->id : Id(nullptr);
    const PostHeaders headers{header(req, common::mcp::kHeaderSessionId),
                              header(req, common::mcp::kHeaderProtocolVersion),
                              header(req, common::mcp::kHeaderMethod),
                              header(req, common::mcp::kHeaderName)};
    const PostDecision decision = decide_post(headers, in);
    switch (decision.kind) {
        case PostKind::refused:
            return refuse_rpc(decision.refusal->status, id, decision.refusal->error);
        case PostKind::session: {
            auto session = ctx_.sessions.find(*headers.session_id);
            if (!session) {
                return refuse_rpc(404, id,
                                  {RpcCode::invalid_request,
                                   "Session not found: it ended (DELETE or idle timeout) or never "
                                   "existed; start a new one with initialize"});
            }
            if (!request) {
                session->post(std::move(in), nullptr);
                return respond(202, "", "text/plain; charset=utf-8");
            }
            session_ = std::move(session);
            begin_exchange(id);
            return session_->post(std::move(in), shared_from_this());
        }
        case PostKind::open: {
            session_ = ctx_.sessions.open(peer_);
            if (!session_) {
                return respond(503,
                               "Too many sessions open (--max-sessions); end one with DELETE "
                               "or retry later\n",
                               "text/plain; charset=utf-8", "Retry-After: 1\r\n");
            }
            new_session_id_ = session_->id();
            begin_exchange(id);
            return session_->post(std::move(in), shared_from_this());
        }
        case PostKind::stateless: {
            if (!request) return respond(202, "", "text/plain; charset=utf-8");
            stateless_ = true;
            // Served alone on this connection's strand: closing the stream cancels it.
            alone_ = std::make_shared<McpSession>(
                ctx_.state, stream_.get_executor(),
                [weak = weak_from_this()](std::string frame, const Route& route) {
                    if (auto self = weak.lock()) self->on_deliver(std::move(frame), route);
                },
                peer_);
            begin_exchange(id);
            return alone_->on_incoming(in);
        }
    }
}

void HttpConnection::on_delete(const HttpRequest& req) {
    const auto id = header(req, common::mcp::kHeaderSessionId);
    if (!id && header(req, common::mcp::kHeaderProtocolVersion) ==
                   std::optional<std::string_view>(common::mcp::kStatelessVersion)) {
        // 2026-07-28 has no sessions to end: "HTTP GET or DELETE ... respond with 405".
        return respond(405, "Method not allowed: protocol version 2026-07-28 has no sessions\n",
                       "text/plain; charset=utf-8", "Allow: POST\r\n");
    }
    if (!id) {
        return respond(400, "DELETE needs the Mcp-Session-Id header of the session to end\n",
                       "text/plain; charset=utf-8");
    }
    if (!ctx_.sessions.close(*id)) {
        return respond(404, "Session not found: it ended already or never existed\n",
                       "text/plain; charset=utf-8");
    }
    ctx_.state.log.info(peer_ + ": HTTP session " + std::string(*id) + " ended by DELETE");
    respond(200, "", "text/plain; charset=utf-8");
}

void HttpConnection::begin_exchange(const Id& id) {
    call_key_ = id.dump();
    waiting_ = true;
    streaming_ = false;
    stream_.expires_never();  // the call may take minutes; the peer is watched instead
    watch_peer();
}

void HttpConnection::deliver(std::string frame, const Route& route) {
    // From the session's strand. `defer`: a token's relay continues on this thread.
    net::defer(stream_.get_executor(), [self = shared_from_this(), frame = std::move(frame),
                                        final = route.final, error = route.error]() mutable {
        self->on_deliver(std::move(frame), Route{{}, final, error});
    });
}

void HttpConnection::on_deliver(std::string frame, const Route& route) {
    if (done_ || !waiting_) return;
    if (!streaming_ && route.final) {
        std::string session_header;
        if (!new_session_id_.empty() && route.error == 0) {
            session_header =
                std::string(common::mcp::kHeaderSessionId) + ": " + new_session_id_ + "\r\n";
        } else if (!new_session_id_.empty()) {
            ctx_.sessions.close(new_session_id_);  // initialize failed: no session to keep
        }
        const int status = status_for_error(route.error, stateless_);
        end_exchange();
        return respond(status, std::move(frame), "application/json", std::move(session_header));
    }
    if (!streaming_) start_stream();
    append_event(pending_, frame);
    last_event_ = std::chrono::steady_clock::now();
    if (route.final) {
        pending_ += "0\r\n\r\n";
        end_after_write_ = true;
        end_exchange();
    } else if (pending_.size() > ctx_.state.config.queue_limit) {
        // A reader that stopped reading must not grow our memory: dropped, its call cancelled,
        // exactly as a slow WebSocket client.
        ctx_.state.stats.slow_clients_dropped.fetch_add(1, std::memory_order_relaxed);
        return lost("not reading; " + std::to_string(pending_.size()) +
                    " bytes queued; dropped as too slow");
    }
    write_out();
}

void HttpConnection::end_unanswered() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
        if (self->done_ || !self->waiting_) return;
        // A cancelled request gets no response (JSON-RPC): its event stream just ends, so that
        // the client is not left holding a response that will never complete.
        if (!self->streaming_) self->start_stream();
        self->pending_ += "0\r\n\r\n";
        self->end_after_write_ = true;
        self->end_exchange();
        self->write_out();
    });
}

void HttpConnection::start_stream() {
    streaming_ = true;
    ctx_.state.stats.http_streams.fetch_add(1, std::memory_order_relaxed);
    pending_ += "HTTP/1.1 200 OK\r\n";
    pending_ += kServerHeader;
    pending_ +=
        "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        "X-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\n";
    if (!new_session_id_.empty()) {
        pending_ += std::string(common::mcp::kHeaderSessionId) + ": " + new_session_id_ + "\r\n";
    }
    if (!keep_alive_) pending_ += "Connection: close\r\n";
    pending_ += "\r\n";
    arm_keepalive();
}

void HttpConnection::end_exchange() {
    if (streaming_) ctx_.state.stats.http_streams.fetch_sub(1, std::memory_order_relaxed);
    waiting_ = false;
    streaming_ = false;
    keepalive_.cancel();
    session_.reset();
    alone_.reset();
    new_session_id_.clear();
}

void HttpConnection::respond(int status, std::string body, std::string_view content_type,
                             std::string extra_headers) {
    const auto reason = http::obsolete_reason(static_cast<http::status>(status));
    pending_ += "HTTP/1.1 " + std::to_string(status) + " " +
                std::string(reason.data(), reason.size()) + "\r\n";
    pending_ += kServerHeader;
    if (status != 202 || !body.empty()) {
        pending_ += "Content-Type: ";
        pending_ += content_type;
        pending_ += "\r\n";
    }
    pending_ += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    pending_ += extra_headers;
    if (!keep_alive_) pending_ += "Connection: close\r\n";
    pending_ += "\r\n";
    pending_ += body;
    end_after_write_ = true;
    write_out();
}

void HttpConnection::refuse_rpc(int status, const nlohmann::json& id, const RpcError& error) {
    respond(status, error_message(id, error), "application/json");
}

void HttpConnection::write_out() {
    if (writing_ || pending_.empty() || done_) return;
    writing_ = true;
    writing_buf_.swap(pending_);
    pending_.clear();
    // A reader that takes nothing for this long is gone, or too slow to serve.
    stream_.expires_after(ctx_.state.config.pong_timeout);
    net::async_write(stream_, net::buffer(writing_buf_),
                     beast::bind_front_handler(&HttpConnection::on_written, shared_from_this()));
}

void HttpConnection::on_written(beast::error_code ec, std::size_t) {
    writing_ = false;
    writing_buf_.clear();
    if (done_) return;
    if (ec) return lost("write failed: " + ec.message());
    if (!pending_.empty()) return write_out();
    if (waiting_) {
        stream_.expires_never();
        return;
    }
    if (!end_after_write_) return;
    end_after_write_ = false;
    if (!keep_alive_ || closing_) {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        return close_now();
    }
    read_request();
}

void HttpConnection::watch_peer() {
    if (watching_) return;
    watching_ = true;
    stream_.socket().async_wait(
        tcp::socket::wait_read,
        beast::bind_front_handler(&HttpConnection::on_peer_readable, shared_from_this()));
}

// The socket became readable while an answer is awaited: either the peer closed (the call
// is cancelled now, not when its last token finds the socket gone) or it sent its next
// request early (left for read_request to take).
void HttpConnection::on_peer_readable(beast::error_code ec) {
    watching_ = false;
    if (done_ || !waiting_) return;
    if (ec) {
        if (ec != net::error::operation_aborted) lost("connection lost: " + ec.message());
        return;
    }
    char byte;
    beast::error_code peek_ec;
    stream_.socket().non_blocking(true, peek_ec);
    const auto n =
        stream_.socket().receive(net::buffer(&byte, 1), tcp::socket::message_peek, peek_ec);
    if (peek_ec == net::error::would_block || peek_ec == net::error::try_again) return watch_peer();
    if (peek_ec || n == 0) return lost("client closed the connection before the answer");
    // Data: a pipelined request. Not watched any further (its bytes keep the socket readable).
}

void HttpConnection::arm_keepalive() {
    keepalive_.expires_after(ctx_.state.config.ping_interval);
    keepalive_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->done_ || !self->streaming_) return;
        // An SSE comment: ignored by clients, and a write that fails tells us the peer is gone
        // even when no token is coming.
        if (std::chrono::steady_clock::now() - self->last_event_ >=
            self->ctx_.state.config.ping_interval) {
            append_chunk(self->pending_, ": keep-alive\n\n");
            self->write_out();
        }
        self->arm_keepalive();
    });
}

void HttpConnection::lost(std::string_view why) {
    if (done_) return;
    if (waiting_) {
        ctx_.state.log.info(peer_ + ": " + std::string(why) + "; its call is cancelled");
        if (session_) session_->stream_lost(call_key_);
        if (alone_) alone_->close();
        if (!new_session_id_.empty()) ctx_.sessions.close(new_session_id_);
        end_exchange();
    }
    close_now();
}

void HttpConnection::close_now() {
    if (done_) return;
    done_ = true;
    keepalive_.cancel();
    if (registered_) ctx_.registry.remove(this);
    registered_ = false;
    beast::error_code ignored;
    stream_.socket().close(ignored);
}

void HttpConnection::shutdown() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
        self->closing_ = true;
        self->keep_alive_ = false;
        if (!self->waiting_ && !self->writing_ && self->pending_.empty()) self->close_now();
    });
}

}  // namespace core
