#include "reports/visible.hpp"

#include "common/utf8.hpp"

namespace reports {

namespace {

bool is_c0_or_del(char32_t cp) {
    return cp < 0x20 || cp == 0x7F;
}
bool is_c1(char32_t cp) {
    return cp >= 0x80 && cp <= 0x9F;
}
// Line separators and bidirectional overrides change how the surrounding text displays.
bool is_invisible_format(char32_t cp) {
    return cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}
bool is_surrogate(char32_t cp) {
    return cp >= 0xD800 && cp <= 0xDFFF;
}

void append_hex(std::string& out, const char* prefix, unsigned value, int digits) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += prefix;
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += kHex[(value >> shift) & 0xF];
}

// The escape of one well-formed code point, or false when it is shown as it is. (A switch
// of escapes like text.cpp's append_markup_escape: other characters, another notation.)
bool append_escape(std::string& out, char32_t cp, const VisibleStyle& style) {
    using Controls = VisibleStyle::Controls;
    if (style.multiline && (cp == '\n' || cp == '\t')) return false;
    if (style.multiline && cp == '\r') return true;  // dropped: CRLF logs print as LF
    switch (cp) {
        case '\n':
            out += "\\n";
            return true;
        case '\r':
            out += "\\r";
            return true;
        case '\t':
            out += "\\t";
            return true;
        case '"':
        case '\\':
            if (!style.escape_quotes) return false;
            out += '\\';
            out += static_cast<char>(cp);
            return true;
        default:
            break;
    }
    if (style.controls == Controls::ascii_hex) {
        if (!is_c0_or_del(cp)) return false;
        append_hex(out, "\\x", static_cast<unsigned>(cp), 2);
        return true;
    }
    if (!is_c0_or_del(cp) && !is_c1(cp) && !is_invisible_format(cp)) return false;
    append_hex(out, "\\u", static_cast<unsigned>(cp), 4);
    return true;
}

}  // namespace

VisibleText visible_text(std::string_view s, const VisibleStyle& style) {
    VisibleText out;
    out.text.reserve(s.size());
    std::size_t chars = 0;
    std::size_t i = 0;
    const auto room = [&] {
        if (chars < style.max_chars) return true;
        out.truncated = true;
        return false;
    };
    while (i < s.size() && room()) {
        const common::utf8::Decoded d = common::utf8::decode(s.substr(i));
        if (!d.ok || is_surrogate(d.cp)) {
            // Byte by byte: each one is a character of its own for max_chars.
            std::size_t k = 0;
            for (; k < d.len && (k == 0 || room()); ++k, ++chars) {
                append_hex(out.text, "\\x", static_cast<unsigned char>(s[i + k]), 2);
            }
            i += k;
            continue;
        }
        ++chars;
        if (!append_escape(out.text, d.cp, style)) out.text.append(s.substr(i, d.len));
        i += d.len;
    }
    return out;
}

}  // namespace reports
