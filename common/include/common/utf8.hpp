#pragma once
// UTF-8 helpers shared by the mock (tokens never split a character), the server (legacy
// `position` counts code points) and the NDJSON reader (a character may be split across
// reads).
#include <cstddef>
#include <string>
#include <string_view>

namespace common::utf8 {

// Number of code points; each invalid byte counts as one.
std::size_t code_points(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool valid(std::string_view s);

// Appends code point `cp` (at most U+10FFFF) encoded as UTF-8.
void append(std::string& out, char32_t cp);

// Length in bytes of the sequence introduced by lead byte `c` (1 for invalid leads).
std::size_t sequence_length(unsigned char c);

// The one UTF-8 decoder: the sequence at the start of `s`. ok == false: a malformed byte
// (len 1, cp = that byte) or empty `s` (len 0). Overlongs and values above U+10FFFF are
// malformed; surrogate code points (CESU-style ED A0..BF xx) decode with ok == true, and
// callers decide (valid() rejects them, the reports show them as bytes).
struct Decoded {
    char32_t cp = 0;
    std::size_t len = 1;
    bool ok = false;
};
Decoded decode(std::string_view s);

// Length in bytes of the well-formed scalar value at the start of `s` (no surrogates), or 0
// when none starts there (or `s` is empty). ASCII is answered inline: callers ask once per
// character of every string (valid(), the mock's tokenizer).
inline std::size_t scalar_len(std::string_view s) {
    if (!s.empty() && static_cast<unsigned char>(s[0]) < 0x80) return 1;
    const Decoded d = decode(s);
    if (!d.ok || (d.cp >= 0xD800 && d.cp <= 0xDFFF)) return 0;
    return d.len;
}

}  // namespace common::utf8
