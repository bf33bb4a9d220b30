#pragma once
// The one escaper of text shown on one line: the renderers' visible() and the harness
// checks' quoted evidence are two styles of it. Their bytes differ on purpose: evidence is
// data (kept in report.json as the check wrote it), so it escapes only what would break a
// line (ASCII controls, as \xNN) and leaves every valid character to the renderer; the
// renderers show text to a terminal or Markdown reader, so they also escape C1 controls and
// the characters that reorder or break the surrounding display (as \uXXXX).
#include <cstddef>
#include <string>
#include <string_view>

namespace reports {

struct VisibleStyle {
    enum class Controls {
        unicode,    // C0, DEL, C1, line separators, bidi overrides: \uXXXX (the renderers)
        ascii_hex,  // C0 and DEL only: \xNN; other valid UTF-8 kept (check evidence)
    };
    Controls controls = Controls::unicode;
    bool multiline = false;      // keep LF and tab, drop CR (multi-line logs)
    bool escape_quotes = false;  // " and \ as \" and \\ (text between double quotes)
    // At most this many characters; each malformed byte (shown as \xNN) counts as one.
    std::size_t max_chars = std::string_view::npos;
};

struct VisibleText {
    std::string text;
    bool truncated = false;  // stopped at max_chars with more left
};

// `s` with every character visible in `style`: \n \r \t, controls as the style says, and
// malformed UTF-8 bytes (and surrogate code points) as \xNN per byte. Never throws.
VisibleText visible_text(std::string_view s, const VisibleStyle& style = {});

}  // namespace reports
