// Text in evidence: quoted excerpts, escaped one-line failures, durations.
#include <algorithm>
#include <cstdio>

#include "harness/checks.hpp"
#include "reports/visible.hpp"

namespace harness::checks {

using reports::Evidence;

namespace {

bool continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// Evidence is data, escaped only where it would break the line: see reports/visible.hpp.
reports::VisibleStyle evidence_style(std::size_t max_chars, bool quotes) {
    reports::VisibleStyle style;
    style.controls = reports::VisibleStyle::Controls::ascii_hex;
    style.escape_quotes = quotes;
    style.max_chars = max_chars;
    return style;
}

}  // namespace

std::string quote(std::string_view text, std::size_t max_chars) {
    const auto v = reports::visible_text(text, evidence_style(max_chars, true));
    return "\"" + v.text + "\"" + (v.truncated ? "…" : "");
}

Evidence text_difference(std::string call, std::string_view expected, std::string_view got,
                         const std::string& what) {
    const auto mismatch = std::mismatch(expected.begin(), expected.end(), got.begin(), got.end());
    const auto at = static_cast<std::size_t>(mismatch.first - expected.begin());
    // Start the excerpts a little before the difference, on a character boundary.
    const auto excerpt = [at](std::string_view s) {
        std::size_t start = at > 20 ? at - 20 : 0;
        while (start > 0 && start < s.size() && continuation(static_cast<unsigned char>(s[start])))
            --start;
        start = std::min(start, s.size());
        return (start > 0 ? std::string("…") : std::string()) + quote(s.substr(start), 60);
    };
    Evidence e;
    e.call = std::move(call);
    e.expected = excerpt(expected);
    e.got = excerpt(got);
    e.detail = what + " differ at byte " + std::to_string(at) + " (expected " +
               std::to_string(expected.size()) + " bytes, got " + std::to_string(got.size()) + ")";
    return e;
}

std::string evidence_line(const Evidence& e, EvidenceLine style) {
    const bool with_call = style == EvidenceLine::first_problem;
    std::string out = with_call ? e.call : std::string();
    if (e.token_index) out += (out.empty() ? "token " : " token ") + std::to_string(*e.token_index);
    if (!out.empty()) out += ": ";
    const std::string values = "expected " + e.expected + ", got " + e.got;
    if (with_call) return out + (e.detail.empty() ? values : e.detail);
    out += e.detail;
    if (!e.expected.empty() || !e.got.empty()) out += " (" + values + ")";
    return out;
}

std::string one_line(std::string_view text) {
    const auto v = reports::visible_text(text, evidence_style(200, false));
    return v.text + (v.truncated ? "…" : "");
}

std::string ms_text(double ms) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f ms", ms);
    return buf;
}

}  // namespace harness::checks
