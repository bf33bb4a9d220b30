#pragma once
// Incremental NDJSON line splitting: bytes arrive in arbitrary pieces (a line, or a UTF-8
// character, may be split across reads); complete lines come out whole. The buffer is
// bounded: a line longer than the limit is an error rather than unbounded growth.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace common {

class LineSplitter {
  public:
    explicit LineSplitter(std::size_t max_line = 1 << 20) : max_line_(max_line) {}

    enum class Status { ok, line_too_long };

    // Calls `on_line` for each complete line (without the '\n', and without a trailing
    // '\r'); blank lines are skipped. Stops early and returns false if `on_line` does.
    Status feed(std::string_view bytes, const std::function<bool(std::string_view)>& on_line);

    // Bytes of an unfinished last line (non-empty means the stream ended mid-line).
    std::string_view pending() const { return buffer_; }
    void clear() { buffer_.clear(); }

  private:
    std::size_t max_line_;
    std::string buffer_;
};

}  // namespace common
