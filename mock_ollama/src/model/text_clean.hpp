#pragma once
// Text helpers of the mock's generator. ASCII only on purpose: locale-dependent <cctype>
// would make the output depend on the process environment.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/utf8.hpp"

namespace mock_ollama::text {

inline bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
inline char to_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
inline char to_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string_view trim(std::string_view s, std::string_view junk = " \t\r\v\f");
std::string lower_ascii(std::string_view s);

// Length of the well-formed UTF-8 character starting at s[i] (surrogates are not), or 0
// when none starts there (common::utf8::scalar_len; ASCII is answered inline).
inline std::size_t char_len(std::string_view s, std::size_t i) {
    return common::utf8::scalar_len(s.substr(i));
}

// Facts come from the prompt, so they may hold control characters or broken UTF-8; the
// tokens must not. Runs of white space and control characters become one space; with
// ascii_only, Latin letters are folded to ASCII and anything else (and '"') is dropped.
std::string clean(std::string_view s, bool ascii_only);

// "Chest pain" reads better mid-sentence as "chest pain"; "COPD" must stay as it is.
std::string lower_first(std::string s);

// "a, b and c" of the first `limit` items.
std::string join(const std::vector<std::string>& items, std::size_t limit = 4);
std::string join(const std::vector<std::string_view>& items);

}  // namespace mock_ollama::text
