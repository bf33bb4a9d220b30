// bytes -> the stdio transport's line reader (core::LineReader). Properties: however the bytes
// are cut into reads, it reports the same lines and the same refusals as a plain reference
// split, where a line (with its '\r') longer than the limit is one refusal and nothing else,
// and the line after it is read as usual; no line it gives holds a '\n' or is over the limit.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "net/line_reader.hpp"

namespace {

const std::string kTooLong = "\n<too long>";  // cannot be a line: lines hold no '\n'

void check(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "server_stdio_lines_fuzz: %s\n", what);
    std::abort();
}

// The documented behaviour, written plainly.
std::vector<std::string> reference(std::string_view text, std::size_t max_line) {
    std::vector<std::string> out;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        if (line.size() > max_line) {
            out.push_back(kTooLong);
        } else if (nl != std::string_view::npos) {
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (!line.empty()) out.emplace_back(line);
        }
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return out;
}

// Feeds `text` in pieces whose sizes cycle through `cuts` (empty = all at once).
std::vector<std::string> feed(std::string_view text, std::size_t max_line,
                              const std::vector<std::size_t>& cuts) {
    std::vector<std::string> out;
    core::LineReader reader(max_line);
    const auto on_line = [&out, max_line](std::string_view line) {
        check(line.find('\n') == std::string_view::npos, "a line holds a '\\n'");
        check(line.size() <= max_line, "a line is over the limit");
        out.emplace_back(line);
    };
    const auto on_too_long = [&out] { out.push_back(kTooLong); };
    for (std::size_t i = 0; !text.empty(); ++i) {
        const auto n = cuts.empty() ? text.size() : std::min(text.size(), cuts[i % cuts.size()]);
        reader.feed(text.substr(0, n), on_line, on_too_long);
        text.remove_prefix(n);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    // A small limit, chosen by the input so that the fuzzer can steer it.
    const std::size_t limit = size == 0 ? 1 : 1 + data[0] % 48;
    const auto expected = reference(text, limit);
    check(feed(text, limit, {}) == expected, "all at once differs from the reference");
    check(feed(text, limit, {1}) == expected, "byte by byte differs from the reference");
    check(feed(text, limit, {3, 1, 7, 2}) == expected, "uneven pieces differ from the reference");
    return 0;
}
