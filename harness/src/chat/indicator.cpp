#include "chat/indicator.hpp"

#include <array>
#include <cstdio>

namespace harness::chat {

namespace {

std::string printed(const char* format, double a, double b = 0, double c = 0) {
    std::array<char, 128> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), format, a, b, c);
    return n <= 0 ? std::string() : std::string(buf.data(), static_cast<std::size_t>(n));
}

std::string tokens_text(std::uint64_t n) {
    return std::to_string(n) + (n == 1 ? " token" : " tokens");
}

}  // namespace

double tokens_per_second(const StreamFigures& f) {
    return f.elapsed_s > 0 ? static_cast<double>(f.tokens) / f.elapsed_s : 0.0;
}

std::string status_line(const StreamFigures& f, std::uint64_t frame, std::size_t width) {
    static constexpr std::array<char, 4> kSpinner = {'|', '/', '-', '\\'};
    std::string s(1, kSpinner[frame % kSpinner.size()]);
    if (f.first_token_s < 0) {
        s += " waiting for the first token, " + printed("%.1f s", f.elapsed_s);
    } else {
        s += " streaming: " + tokens_text(f.tokens) + ", " +
             printed("%.1f tok/s, %.1f s", tokens_per_second(f), f.elapsed_s);
    }
    s += "  (Ctrl-C cancels)";
    const std::size_t room = width > 0 ? width - 1 : 0;
    if (s.size() > room) s.resize(room);
    return s;
}

std::string timing_line(const StreamFigures& f) {
    if (f.first_token_s < 0)
        return "no token streamed; answer after " + printed("%.2f s", f.elapsed_s);
    return tokens_text(f.tokens) + " in " +
           printed("%.2f s (%.1f tok/s), first token after %.2f s", f.elapsed_s,
                   tokens_per_second(f), f.first_token_s);
}

}  // namespace harness::chat
