#pragma once
// Text helpers shared by the renderers (private to the reports library): UTF-8 walking
// (decoding is common::utf8::decode), locale-independent number formatting, excerpts of
// long values, and the escaping rules of each output format.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace reports::text {

// Fixed-point with `decimals` digits and a '.', never exponent, independent of any locale.
// Non-finite values print as "nan" / "inf" / "-inf".
std::string fixed(double v, int decimals);
// For tables: 3 significant-ish digits (0.123, 1.23, 12.3, 123, 1234).
std::string number(double v);
// Seconds for humans: "0.42 s", "12.3 s", "2 min 05 s".
std::string duration(double seconds);

// At most `max_cp` code points of `s` (never splitting a sequence), "…" appended if cut.
std::string truncate(std::string_view s, std::size_t max_cp);

// Expected and got shortened around their first difference when either is longer than
// `max_cp` code points. first_difference: code-point index, set only when shortened.
struct Excerpts {
    std::string expected;
    std::string got;
    std::optional<std::size_t> first_difference;
};
Excerpts excerpts(std::string_view expected, std::string_view got, std::size_t max_cp);

// Makes every character visible on one line: \n \r \t, other C0/C1 controls and DEL as
// \u00XX, malformed UTF-8 bytes as \xNN. Everything else (valid UTF-8) is kept.
std::string visible(std::string_view s);
// As visible(), but keeps LF and tab (multi-line logs) and drops CR.
std::string visible_multiline(std::string_view s);
// One line of prose: runs of whitespace (incl. CR, LF, tab) become one space, other
// controls and malformed bytes are made visible as in visible(); trimmed.
std::string one_line(std::string_view s);

// First line of `s`, one_line()'d and truncated (for attributes and summaries).
std::string headline(std::string_view s, std::size_t max_cp);

// Markdown (CommonMark / GFM):
// prose: one_line() with every Markdown-active ASCII punctuation backslash-escaped, so it
// cannot start emphasis, links, HTML, tables (|), or code spans.
std::string md_text(std::string_view s);
// an inline code span holding visible(s) exactly (fence longer than any backtick run).
std::string md_code(std::string_view s);
// a fenced code block holding visible_multiline(s).
std::string md_code_block(std::string_view s, std::string_view info);
// HTML text (for <summary>): & < > escaped, one line.
std::string html_text(std::string_view s);

// XML 1.0: drops characters XML cannot carry (see junit.hpp), then escapes & < > " '. In
// attributes tab, LF and CR become character references so that they survive attribute
// value normalisation; in text CR does (a parser would turn CRLF into LF).
std::string xml_sanitize(std::string_view s);
std::string xml_escape(std::string_view s, bool attribute);

}  // namespace reports::text
