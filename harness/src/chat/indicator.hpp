#pragma once
// The live streaming indicator of `mcp-harness chat`, as text: what the status line says while
// generate_summary streams, and the timing line printed once it ends. Pure functions of the
// figures, so that the terminal code only decides where the text goes.
#include <cstdint>
#include <string>

namespace harness::chat {

struct StreamFigures {
    std::uint64_t tokens = 0;
    double elapsed_s = 0;       // since the request was sent
    double first_token_s = -1;  // since the request was sent; < 0: no token yet
};

// Tokens per second over the whole call so far (0 before any time has passed): what a person
// feels, first-token wait included.
double tokens_per_second(const StreamFigures& f);

// "| streaming: 42 tokens, 7.9 tok/s, 5.3 s  (Ctrl-C cancels)", or "waiting for the first
// token" before one came. `frame` turns the spinner; the text is ASCII, cut to at most
// `width - 1` columns (a line that fills the last column would wrap on some terminals).
std::string status_line(const StreamFigures& f, std::uint64_t frame, std::size_t width);

// "42 tokens in 5.31 s (7.9 tok/s), first token after 0.21 s".
std::string timing_line(const StreamFigures& f);

}  // namespace harness::chat
