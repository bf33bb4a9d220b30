#include "net/stdio_session.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "core/jsonrpc.hpp"

namespace core {

namespace net = boost::asio;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::string_view kPeer = "stdio";
// How every message of our JSON-RPC encoders begins (core/src/mcp/jsonrpc.cpp, and the
// progress frames of McpSession::relay).

// A descriptor of our own for the same open file: closing it never frees fd 0 or 1 for the
// next open() to take (the store's files must never become "stdout").
int duplicate(int fd, const char* name) {
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    if (copy < 0) {
        throw std::system_error(errno, std::generic_category(),
                                std::string("stdio transport: cannot use ") + name);
    }
    return copy;
}

}  // namespace

StdioSession::StdioSession(net::any_io_executor strand, ServerState& state,
                           SessionRegistry& registry, int in_fd, int out_fd,
                           std::function<void()> on_end)
    : state_(state),
      registry_(registry),
      in_(strand, duplicate(in_fd, "stdin")),
      out_(strand, duplicate(out_fd, "stdout")),
      on_end_(std::move(on_end)),
      lines_(state.config.max_message),
      read_buffer_(kReadChunk, '\0') {
    state_.stats.stdio_sessions.fetch_add(1, std::memory_order_relaxed);
}

StdioSession::~StdioSession() {
    state_.stats.stdio_sessions.fetch_sub(1, std::memory_order_relaxed);
}

void StdioSession::start() {
    mcp_ = std::make_shared<McpSession>(
        state_, in_.get_executor(),
        [weak = weak_from_this()](std::string frame, const Route&) {
            if (auto self = weak.lock()) self->send(std::move(frame));
        },
        std::string(kPeer));
    registry_.add(shared_from_this());
    state_.log.info("stdio: serving one MCP client on stdin/stdout");
    net::post(in_.get_executor(), [self = shared_from_this()] { self->do_read(); });
}

void StdioSession::do_read() {
    if (done_ || draining_ || ended_client_) return;
    reading_ = true;
    in_.async_read_some(net::buffer(read_buffer_),
                        [self = shared_from_this()](const boost::system::error_code& ec,
                                                    std::size_t n) { self->on_read(ec, n); });
}

void StdioSession::on_read(const boost::system::error_code& ec, std::size_t n) {
    reading_ = false;
    if (done_ || draining_) return;
    const auto on_line = [this](std::string_view line) { mcp_->on_message(line); };
    const auto on_too_long = [this] { line_too_long(); };
    lines_.feed(std::string_view(read_buffer_.data(), n), on_line, on_too_long);
    if (!ec) return do_read();
    if (ec == net::error::eof) {
        // A last message without its '\n' is still a whole message: the stream ended it.
        if (!lines_.pending().empty()) lines_.feed("\n", on_line, on_too_long);
        state_.log.info("stdio: stdin closed");
    } else {
        state_.log.warn("stdio: reading stdin failed: " + ec.message());
    }
    end_of_client();
}

void StdioSession::line_too_long() {
    const std::string limit = std::to_string(state_.config.max_message);
    state_.log.info("stdio: message larger than " + limit + " bytes refused");
    // No id can be trusted from a message that was not read whole: JSON-RPC's null id.
    send(error_message(nullptr, {RpcCode::invalid_request,
                                 "Invalid Request: message larger than " + limit +
                                     " bytes (--max-message); the rest of this line is skipped"}));
}

void StdioSession::send(std::string frame) {
    if (done_) return;
    // One message, one line: the encoders escape every control character, so a raw newline
    // would be a bug that splits a message in two for the client. Refused, loudly.
    if (frame.find('\n') != std::string::npos) {
        state_.stats.internal_errors.fetch_add(1, std::memory_order_relaxed);
        state_.log.error("stdio: a message with a raw newline was not sent: " +
                         frame.substr(0, 200));
        return;
    }
    const std::size_t queued = pending_.size() + writing_.size();
    if (queued + frame.size() + 1 > state_.config.queue_limit) {
        state_.stats.slow_clients_dropped.fetch_add(1, std::memory_order_relaxed);
        return lose_output("client not reading stdout: " + std::to_string(queued) +
                           " bytes queued (--queue-limit)");
    }
    pending_ += frame;
    pending_ += '\n';
    if (writing_.empty()) do_write();  // nothing in flight (a write is never empty)
}

void StdioSession::do_write() {
    // Everything queued meanwhile goes out in this one write.
    writing_.swap(pending_);
    net::async_write(out_, net::buffer(writing_),
                     [self = shared_from_this()](const boost::system::error_code& ec,
                                                 std::size_t n) { self->on_write(ec, n); });
}

void StdioSession::on_write(const boost::system::error_code& ec, std::size_t) {
    if (ec) return lose_output("writing stdout failed: " + ec.message());
    writing_.clear();
    if (!pending_.empty()) return do_write();
    if (draining_) finished();
}

void StdioSession::stop_reading() {
    boost::system::error_code ignored;
    if (reading_) in_.cancel(ignored);
}

void StdioSession::lose_output(const std::string& why) {
    if (done_) return;
    output_lost_ = true;
    state_.log.error("stdio: " + why + "; calls in flight cancelled, shutting down");
    pending_.clear();
    finished();
    end_of_client();
}

void StdioSession::end_of_client() {
    if (ended_client_) return;
    ended_client_ = true;
    if (on_end_) on_end_();
}

void StdioSession::shutdown() {
    net::post(in_.get_executor(), [self = shared_from_this()] {
        if (self->done_ || self->draining_) return;
        self->draining_ = true;
        self->stop_reading();
        // Calls still in flight now outlived the grace period: cancelled, nothing more is
        // sent for them. What is queued (their predecessors' responses) is written first.
        self->mcp_->close();
        if (self->writing_.empty()) self->finished();
    });
}

void StdioSession::finished() {
    if (done_) return;
    done_ = true;
    mcp_->close();
    stop_reading();
    boost::system::error_code ignored;
    out_.cancel(ignored);
    registry_.remove(this);
    state_.log.info("stdio: session ended");
}

}  // namespace core
