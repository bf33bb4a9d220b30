#include "text.hpp"

#include "common/utf8.hpp"
#include "reports/visible.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace reports::text {

using common::utf8::decode;
using common::utf8::Decoded;

std::string fixed(double v, int decimals) {
    // 309 integer digits for DBL_MAX, plus sign, point and decimals.
    std::array<char, 400> buf{};
    const auto res =
        std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed, decimals);
    std::string out(buf.data(), res.ptr);
    // "-0.000" for a tiny negative value reads as a bug; it is zero at this precision.
    if (out.size() > 1 && out[0] == '-' && out.find_first_not_of("0.", 1) == std::string::npos) {
        out.erase(0, 1);
    }
    return out;
}

std::string number(double v) {
    if (!std::isfinite(v)) return fixed(v, 0);
    const double a = std::fabs(v);
    if (a < 1) return fixed(v, 3);
    if (a < 10) return fixed(v, 2);
    if (a < 100) return fixed(v, 1);
    return fixed(v, 0);
}

std::string duration(double seconds) {
    if (!std::isfinite(seconds)) return fixed(seconds, 0) + " s";
    if (seconds < 10) return fixed(seconds, 2) + " s";
    if (seconds < 60) return fixed(seconds, 1) + " s";
    const auto total = static_cast<long long>(std::llround(seconds));
    const long long sec = total % 60;
    return std::to_string(total / 60) + " min " + (sec < 10 ? "0" : "") + std::to_string(sec) +
           " s";
}

namespace {

// Byte length of the first `n` code points of `s` (malformed bytes count as one each).
std::size_t prefix_bytes(std::string_view s, std::size_t n) {
    std::size_t i = 0;
    while (n > 0 && i < s.size()) {
        i += decode(s.substr(i)).len;
        --n;
    }
    return i;
}

std::size_t count_cp(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); i += decode(s.substr(i)).len) ++n;
    return n;
}

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

std::string truncate(std::string_view s, std::size_t max_cp) {
    const std::size_t cut = prefix_bytes(s, max_cp);
    if (cut >= s.size()) return std::string(s);
    return std::string(s.substr(0, cut)) + "…";
}

Excerpts excerpts(std::string_view expected, std::string_view got, std::size_t max_cp) {
    if (count_cp(expected) <= max_cp && count_cp(got) <= max_cp) {
        return {std::string(expected), std::string(got), std::nullopt};
    }
    // First differing byte, moved back to the start of its code point.
    std::size_t d = 0;
    while (d < expected.size() && d < got.size() && expected[d] == got[d]) ++d;
    while (d > 0 && ((d < expected.size() && is_continuation(expected[d])) ||
                     (d < got.size() && is_continuation(got[d])))) {
        --d;
    }
    const std::string_view common = expected.substr(0, d);
    const std::size_t diff_cp = count_cp(common);
    // Show a little context before the difference.
    const std::size_t context = max_cp / 4;
    const std::size_t start = diff_cp > context ? prefix_bytes(common, diff_cp - context) : 0;
    const auto window = [&](std::string_view s) {
        std::string out = start > 0 ? "…" : "";
        out += truncate(s.substr(std::min(start, s.size())), max_cp);
        return out;
    };
    Excerpts e{window(expected), window(got), std::nullopt};
    if (expected != got) e.first_difference = diff_cp;
    return e;
}

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

std::string visible(std::string_view s) {
    return visible_text(s).text;
}
std::string visible_multiline(std::string_view s) {
    VisibleStyle style;
    style.multiline = true;
    return visible_text(s, style).text;
}

std::string one_line(std::string_view s) {
    std::string collapsed;
    collapsed.reserve(s.size());
    bool pending_space = false;
    for (char c : s) {
        if (is_space(c)) {
            pending_space = !collapsed.empty();
            continue;
        }
        if (pending_space) collapsed += ' ';
        pending_space = false;
        collapsed += c;
    }
    return visible(collapsed);
}

std::string headline(std::string_view s, std::size_t max_cp) {
    const std::size_t begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    s.remove_prefix(begin);
    const std::size_t nl = s.find('\n');
    std::string line = one_line(s.substr(0, nl));
    if (nl != std::string_view::npos && s.find_first_not_of(" \t\r\n", nl) != std::string::npos) {
        line += " …";
    }
    return truncate(line, max_cp);
}

std::string md_text(std::string_view s) {
    const std::string line = one_line(s);
    std::string out;
    out.reserve(line.size() + 8);
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        bool escape = false;
        switch (c) {
            case '\\':
            case '`':
            case '*':
            case '_':
            case '[':
            case ']':
            case '<':
            case '>':
            case '|':
            case '~':
            case '&':
            case '!':
                escape = true;
                break;
            // Only active at the start of a line (or list item): heading, list, quote,
            // setext underline.
            case '#':
            case '-':
            case '+':
            case '=':
                escape = i == 0;
                break;
            // "1. " / "1) " at the start would start an ordered list.
            case '.':
            case ')':
                escape = i > 0 && line.find_first_not_of("0123456789") == i &&
                         (i + 1 == line.size() || line[i + 1] == ' ');
                break;
            default:
                break;
        }
        if (escape) out += '\\';
        out += c;
    }
    return out;
}

namespace {

std::size_t longest_run(std::string_view s, char c) {
    std::size_t best = 0;
    std::size_t run = 0;
    for (char x : s) {
        run = x == c ? run + 1 : 0;
        best = std::max(best, run);
    }
    return best;
}

}  // namespace

std::string md_code(std::string_view s) {
    const std::string v = visible(s);
    if (v.empty()) return "*(empty)*";
    const std::string fence(longest_run(v, '`') + 1, '`');
    const bool all_spaces = v.find_first_not_of(' ') == std::string::npos;
    // CommonMark strips one space on each side when both are present; pad so that content
    // starting or ending with a backtick or space survives exactly.
    const bool pad =
        !all_spaces && (v.front() == '`' || v.back() == '`' || v.front() == ' ' || v.back() == ' ');
    const std::string sp = pad ? " " : "";
    return fence + sp + v + sp + fence;
}

std::string md_code_block(std::string_view s, std::string_view info) {
    std::string v = visible_multiline(s);
    if (!v.empty() && v.back() != '\n') v += '\n';
    const std::string fence(std::max<std::size_t>(3, longest_run(v, '`') + 1), '`');
    return fence + std::string(info) + "\n" + v + fence + "\n";
}

namespace {

// The escapes HTML text and XML share; false when `c` needs none.
bool append_markup_escape(std::string& out, char c) {
    switch (c) {
        case '&':
            out += "&amp;";
            return true;
        case '<':
            out += "&lt;";
            return true;
        case '>':
            out += "&gt;";
            return true;
        case '"':
            out += "&quot;";
            return true;
        default:
            return false;
    }
}

}  // namespace

std::string html_text(std::string_view s) {
    std::string out;
    for (char c : one_line(s)) {
        if (!append_markup_escape(out, c)) out += c;
    }
    return out;
}

std::string xml_sanitize(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const Decoded d = decode(s.substr(i));
        const char32_t cp = d.cp;
        const bool allowed =
            d.ok && (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                     (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000);
        if (allowed) out.append(s.substr(i, d.len));
        i += d.len;
    }
    return out;
}

std::string xml_escape(std::string_view s, bool attribute) {
    std::string out;
    out.reserve(s.size() + 16);
    for (char c : xml_sanitize(s)) {
        if (append_markup_escape(out, c)) continue;
        switch (c) {
            case '\'':
                out += "&apos;";
                break;
            case '\r':
                out += "&#13;";
                break;
            case '\n':
                out += attribute ? "&#10;" : "\n";
                break;
            case '\t':
                out += attribute ? "&#9;" : "\t";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace reports::text
