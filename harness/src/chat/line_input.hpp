#pragma once
// The person's lines, read on the event loop without blocking it.
//
// Why a posix::stream_descriptor and not a thread blocked in read(): the chat must stop
// reading at once when it quits (Ctrl-C, the server gone), and a thread in a blocking read()
// of a terminal cannot be woken portably; a descriptor read is cancelled like any other Asio
// operation, and everything (input, signals, the MCP client, the indicator's timer) stays on
// one loop and one thread, with no locking. Regular files work too: Asio treats a descriptor
// epoll refuses (EPERM) as always ready, and a file's read never blocks.
//
// Reads happen only while a line is wanted: piped input is not swallowed ahead of the prompts,
// and lines typed ahead wait in the splitter.
#include <array>
#include <functional>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "chat/line_splitter.hpp"

namespace harness::chat {

class LineInput {
  public:
    // Takes ownership of `fd`.
    LineInput(boost::asio::io_context& io, int fd);

    // The next line, or nullopt when the input has ended; runs on the loop, once. One wait at
    // a time.
    void next(std::function<void(std::optional<Line>)> done);
    // No more reading; a pending next() is dropped.
    void stop();

  private:
    void deliver();
    void read();

    boost::asio::posix::stream_descriptor in_;
    LineSplitter lines_;
    std::array<char, 4096> buffer_{};
    std::function<void(std::optional<Line>)> waiting_;
    bool ended_ = false, reading_ = false, stopped_ = false;
};

}  // namespace harness::chat
