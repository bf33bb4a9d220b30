#include "http/http_session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "http/request_reader.hpp"
#include "http/session_registry.hpp"
#include "http/stream.hpp"
#include "mock_ollama/wire.hpp"

namespace mock_ollama {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {
constexpr std::size_t kWatchChunk = 4096;
constexpr std::size_t kWatchLimit = 64 * 1024;  // pipelined bytes held while streaming
}  // namespace

HttpSession::HttpSession(net::ip::tcp::socket&& socket, ServerContext& context)
    : stream_(std::move(socket)), ctx_(context) {
    ctx_.stats.connection_opened();
}

HttpSession::~HttpSession() {
    ctx_.sessions.remove(this);
    ctx_.stats.connection_closed();
}

void HttpSession::start() {
    // Listed for the server's stop, which must end this session even if it never ends by
    // itself (a stalled stream holds it, and is held by it, for ever).
    ctx_.sessions.add(shared_from_this());
    // For the direct writes of flush(); asynchronous operations are unaffected.
    beast::error_code ignored;
    stream_.socket().non_blocking(true, ignored);
    // Run on the strand from the start: every handler of this session is serialised on it.
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&HttpSession::wait_for_request, shared_from_this()));
}

void HttpSession::wait_for_request() {
    if (closed_) return;
    if (buffer_.size() > 0) return read_request();  // a pipelined request is already here
    // An idle keep-alive connection may wait long; once bytes arrive, the request must be
    // complete within the (shorter) header timeout.
    stream_.expires_after(ctx_.config.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(kWatchChunk),
        beast::bind_front_handler(&HttpSession::on_first_bytes, shared_from_this()));
}

void HttpSession::on_first_bytes(beast::error_code ec, std::size_t n) {
    if (ec) {
        if (ec != net::error::eof && ec != beast::error::timeout &&
            ec != net::error::operation_aborted) {
            MSH_DEBUG(ctx_.log, "connection error while idle: " + ec.message());
        }
        return close(false);
    }
    buffer_.commit(n);
    read_request();
}

void HttpSession::read_request() {
    parser_.emplace();
    configure_request_parser(*parser_, ctx_.config);
    stream_.expires_after(ctx_.config.header_timeout);
    // Headers first: a client that sent "Expect: 100-continue" (curl does for large bodies)
    // waits for our interim answer before it sends the body, as Ollama's Go server gives it.
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t n) {
    if (ec) return on_read(ec, n);
    const auto& msg = parser_->get();
    const auto expect = msg[http::field::expect];
    if (expect.size() == 12 && beast::iequals(expect, "100-continue") && !parser_->is_done()) {
        auto interim = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
        net::async_write(stream_, net::buffer(*interim),
                         [self = shared_from_this(), interim](beast::error_code wec, std::size_t) {
                             if (wec) return self->close(false);
                             self->read_body();
                         });
        return;
    }
    read_body();
}

void HttpSession::read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
    if (ec) {
        const auto failure = classify_read_error(ec, ctx_.config);
        switch (failure.action) {
            case ReadFailure::Action::close:
                return close(false);
            case ReadFailure::Action::timeout:
                ctx_.log.info(failure.message);
                ctx_.stats.bad_request();
                return close(false);
            case ReadFailure::Action::reply:
                return reply_and_close(failure.status, failure.message);
        }
    }
    stream_.expires_never();  // responses may stream for minutes; the queue limit bounds them

    HttpRequest req = take_request(*parser_);
    parser_.reset();
    serve(std::move(req));
}

void HttpSession::serve(HttpRequest&& req) {
    const auto received = common::SteadyClock::now();
    const auto received_wall = common::wall_micros();
    MSH_TRACE(ctx_.log, req.method + " " + req.target);
    Outcome out = ctx_.api.handle(req, received_wall);
    if (auto* reply = std::get_if<Reply>(&out)) {
        next_ = reply->close ? Next::close : Next::read;
        send(reply->bytes);
        return advance();
    }
    next_ = Next::nothing;  // the generation decides when it is over
    run_ = std::make_shared<GenerationRun>(shared_from_this(), std::get<Generation>(std::move(out)),
                                           ctx_, received, received_wall);
    run_->start();
    if (run_) watch();
}

void HttpSession::reply_and_close(int status, std::string_view message) {
    ctx_.stats.bad_request();
    MSH_INFO(ctx_.log, "bad request: " + std::string(message));
    next_ = Next::close;
    send(http_error(status, message, true));
    advance();
}

void HttpSession::send(std::string_view bytes) {
    if (closed_ || write_failed_) return;
    pending_ += bytes;
    flush();
}

void HttpSession::send_chunk(std::string_view data) {
    if (closed_ || write_failed_) return;
    append_chunk(pending_, data);
    flush();
}

void HttpSession::uncork() {
    corked_ = false;
    flush();
    advance();
}

void HttpSession::flush() {
    if (closed_ || write_failed_) return;
    if (write_in_flight_) {
        // Only bytes waiting behind an unfinished write count: a large complete reply (a big
        // /_mock/requests page) is not a slow client.
        if (pending_.size() > ctx_.config.write_queue_limit) {
            ctx_.log.warn("client not reading: " + std::to_string(pending_.size()) +
                          " bytes queued; connection closed");
            client_gone("client_too_slow");
        }
        return;
    }
    if (pending_.empty() || corked_) return;
    // Write now, without an asynchronous operation: a token line nearly always fits the
    // socket buffer, and then no handler, allocation or cross-thread wakeup is needed (this
    // is the mock's hottest path: one write per token per stream). The socket is
    // non-blocking, so a full buffer returns would_block and the rest goes asynchronously.
    beast::error_code ec;
    const std::size_t n = stream_.socket().write_some(net::buffer(pending_), ec);
    if (ec && ec != net::error::would_block && ec != net::error::try_again) {
        // Not handled here: the caller (a generation mid-token) must not be torn down under
        // its own feet. Nothing more is written; the session ends on its strand.
        write_failed_ = true;
        pending_.clear();
        net::post(stream_.get_executor(), [self = shared_from_this()] {
            if (!self->closed_) self->client_gone("client_closed");
        });
        return;
    }
    if (!ec && n == pending_.size()) {
        pending_.clear();
        return;
    }
    if (!ec) pending_.erase(0, n);
    do_write();
}

void HttpSession::do_write() {
    writing_.swap(pending_);
    pending_.clear();
    write_in_flight_ = true;
    net::async_write(stream_, net::buffer(writing_),
                     beast::bind_front_handler(&HttpSession::on_write, shared_from_this()));
}

void HttpSession::on_write(beast::error_code ec, std::size_t) {
    write_in_flight_ = false;
    if (ec) {
        if (!closed_) client_gone("client_closed");
        return;
    }
    if (closed_) return;
    flush();
    if (!write_in_flight_ && run_) {
        auto run = run_;  // it may end, and release itself, while it sends
        run->drained();
    }
    advance();
}

// Called when the output queue may have drained: carry out what comes next.
void HttpSession::advance() {
    if (closed_ || write_failed_ || write_in_flight_ || !pending_.empty()) return;
    if (next_ == Next::close) return close(false);
    if (next_ == Next::reset) return close(true);
    if (next_ != Next::read) return;
    next_ = Next::nothing;
    if (watching_) {
        // The watch read must end before the next request is read: one read at a time.
        read_after_watch_ = true;
        beast::error_code ignored;
        stream_.socket().cancel(ignored);
        return;
    }
    wait_for_request();
}

void HttpSession::generation_finished(After after) {
    run_.reset();
    next_ = after == After::keep_alive ? Next::read
            : after == After::close    ? Next::close
                                       : Next::reset;
    advance();
}

void HttpSession::watch() {
    if (closed_ || watching_ || buffer_.size() >= kWatchLimit) return;
    watching_ = true;
    stream_.async_read_some(buffer_.prepare(kWatchChunk),
                            beast::bind_front_handler(&HttpSession::on_watch, shared_from_this()));
}

void HttpSession::on_watch(beast::error_code ec, std::size_t n) {
    watching_ = false;
    if (closed_) return;
    if (!ec) {
        buffer_.commit(n);  // a pipelined request: kept for after the generation
    } else if (ec != net::error::operation_aborted) {
        return client_gone("client_closed");
    }
    if (read_after_watch_) {
        read_after_watch_ = false;
        return wait_for_request();
    }
    if (run_) watch();
}

void HttpSession::client_gone(std::string_view why) {
    if (run_) {
        ctx_.stats.client_gone();
        auto run = std::move(run_);
        run->abort(why);
    }
    close(true);
}

void HttpSession::shutdown() {
    if (run_) {
        // Ended here, before close() would, so that the log says why it ended. Breaking the
        // session <-> generation cycle is what lets both be freed.
        auto run = std::move(run_);
        run->abort("server_stopped");
    }
    // An orderly close, as the exit of the process would give.
    close(false);
}

void HttpSession::close(bool reset) {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    auto& socket = stream_.socket();
    if (reset) {
        socket.set_option(net::socket_base::linger(true, 0), ignored);
    } else {
        socket.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    }
    socket.close(ignored);
    if (run_) {
        auto run = std::move(run_);
        run->abort("connection_closed");
    }
}

}  // namespace mock_ollama
