#pragma once
// Bytes read from stdin, cut into lines: "\n" or "\r\n" ends a line, a last line without its
// "\n" counts at the end of input, and a line longer than the limit is reported as such
// (and the rest of it skipped up to its "\n") instead of growing without bound. Pure: the
// reader (line_input.hpp) feeds it whatever read() returned.
#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace harness::chat {

struct Line {
    std::string text;
    bool too_long = false;  // text is empty then
};

class LineSplitter {
  public:
    explicit LineSplitter(std::size_t max_line_bytes = 4096) : max_(max_line_bytes) {}

    void feed(std::string_view bytes);
    // The input ended: a pending partial line becomes a line.
    void finish();
    std::optional<Line> next();
    bool has_line() const { return !lines_.empty(); }

  private:
    void end_line();

    std::size_t max_;
    std::string partial_;
    bool skipping_ = false;  // inside a line that was too long, until its "\n"
    std::deque<Line> lines_;
};

}  // namespace harness::chat
