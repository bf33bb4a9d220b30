#pragma once
// Newline-delimited messages from a byte stream (the stdio transport). common::LineSplitter
// does the splitting (pieces of any size, "\r\n", blank lines skipped, a bounded buffer); this
// adds what a server that keeps serving needs on top: a line longer than the limit is reported
// once, as soon as it is known to be too long, and the rest of it is skipped; the next line is
// read as usual.
#include <cstddef>
#include <functional>
#include <string_view>

#include "common/ndjson.hpp"

namespace core {

class LineReader {
  public:
    explicit LineReader(std::size_t max_line) : splitter_(max_line) {}

    // `on_line` gets each complete line (without "\n" or "\r\n"); `on_too_long` is called once
    // per line over the limit, which is then dropped up to and including its '\n'.
    void feed(std::string_view bytes, const std::function<void(std::string_view)>& on_line,
              const std::function<void()>& on_too_long);

    // Inside a line that was too long: bytes are dropped until its '\n'.
    bool skipping() const { return skipping_; }
    // Bytes of an unfinished line (the stream ended mid-line when non-empty at EOF).
    std::string_view pending() const { return splitter_.pending(); }

  private:
    common::LineSplitter splitter_;
    bool skipping_ = false;
};

}  // namespace core
