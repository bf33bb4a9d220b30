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

}  // namespace common::utf8
