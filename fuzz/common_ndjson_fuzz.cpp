// bytes -> the NDJSON line splitter (common::LineSplitter) and the token-line scanner
// (common::scan_flat_object). Properties:
//  1. the splitter gives the same lines however the bytes are cut into reads (all at once,
//     byte by byte, uneven pieces), equal to a plain reference split; with a small line
//     limit it reports line_too_long exactly at the first line over the limit;
//  2. differential: on every line (and on the whole input) the scanner never accepts what
//     nlohmann::json rejects and never reads a different value: the unit test's own check,
//     json_scan_test::compare_with_full_parser.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/ndjson.hpp"
#include "json_scan_differential.hpp"

namespace {

void check(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "common_ndjson_fuzz: %s\n", what);
    std::abort();
}

struct Split {
    std::vector<std::string> lines;
    bool too_long = false;
    std::string pending;  // when not too_long
};

// The documented behaviour, written plainly: lines end at '\n', one trailing '\r' is
// dropped, blank lines are skipped, and a line (with its '\r') longer than the limit ends
// the stream with line_too_long.
Split reference(std::string_view text, std::size_t max_line) {
    Split out;
    for (;;) {
        const auto nl = text.find('\n');
        const auto raw = text.substr(0, nl);
        if (raw.size() > max_line) {
            out.too_long = true;
            return out;
        }
        if (nl == std::string_view::npos) {
            out.pending = std::string(raw);
            return out;
        }
        auto line = raw;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) out.lines.emplace_back(line);
        text.remove_prefix(nl + 1);
    }
}

// Feeds `text` in pieces whose sizes cycle through `cuts` (0 = all at once).
Split feed(std::string_view text, std::size_t max_line, const std::vector<std::size_t>& cuts) {
    Split out;
    common::LineSplitter splitter(max_line);
    const auto on_line = [&out](std::string_view line) {
        out.lines.emplace_back(line);
        return true;
    };
    for (std::size_t i = 0; !text.empty(); ++i) {
        const auto n = cuts.empty() ? text.size() : std::min(text.size(), cuts[i % cuts.size()]);
        if (splitter.feed(text.substr(0, n), on_line) ==
            common::LineSplitter::Status::line_too_long) {
            out.too_long = true;
            return out;
        }
        text.remove_prefix(n);
    }
    out.pending = std::string(splitter.pending());
    return out;
}

void same(const Split& a, const Split& b) {
    check(a.too_long == b.too_long, "line_too_long differs from the reference");
    check(a.lines == b.lines, "lines differ from the reference");
    check(a.too_long || a.pending == b.pending, "pending bytes differ from the reference");
}

void differential(std::string_view text) {
    const auto verdict = json_scan_test::compare_with_full_parser(text);
    if (!verdict.disagreement.empty()) {
        std::fprintf(stderr, "common_ndjson_fuzz: %s\n", verdict.disagreement.c_str());
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    constexpr std::size_t big = 1 << 20;
    const auto expected = reference(text, big);
    same(feed(text, big, {}), expected);
    same(feed(text, big, {1}), expected);
    // A small limit, chosen by the input so that the fuzzer can steer it.
    const std::size_t small = size == 0 ? 1 : 1 + data[0] % 48;
    same(feed(text, small, {3, 1, 7, 2}), reference(text, small));

    for (const auto& line : expected.lines) differential(line);
    differential(text);
    return 0;
}
