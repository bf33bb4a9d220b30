#include "chat/line_input.hpp"

#include <boost/asio/post.hpp>

namespace harness::chat {

LineInput::LineInput(boost::asio::io_context& io, int fd) : in_(io, fd) {}

void LineInput::next(std::function<void(std::optional<Line>)> done) {
    waiting_ = std::move(done);
    if (lines_.has_line() || ended_) {
        // Never from inside the caller: it may be in the middle of its own state change.
        boost::asio::post(in_.get_executor(), [this] { deliver(); });
        return;
    }
    read();
}

void LineInput::deliver() {
    if (stopped_ || !waiting_) return;
    auto line = lines_.next();
    if (!line && !ended_) return read();
    auto done = std::move(waiting_);
    waiting_ = nullptr;
    done(std::move(line));
}

void LineInput::read() {
    if (reading_ || stopped_) return;
    reading_ = true;
    in_.async_read_some(boost::asio::buffer(buffer_),
                        [this](const boost::system::error_code& ec, std::size_t n) {
                            reading_ = false;
                            if (stopped_ || ec == boost::asio::error::operation_aborted) return;
                            if (ec) {
                                ended_ = true;  // EOF, or an input that cannot be read
                                lines_.finish();
                            } else {
                                lines_.feed({buffer_.data(), n});
                            }
                            deliver();
                        });
}

void LineInput::stop() {
    stopped_ = true;
    waiting_ = nullptr;
    boost::system::error_code ignored;
    in_.cancel(ignored);
}

}  // namespace harness::chat
