#include "model/text_clean.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "common/utf8.hpp"

namespace mock_ollama::text {

std::string_view trim(std::string_view s, std::string_view junk) {
    const auto b = s.find_first_not_of(junk);
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(junk);
    return s.substr(b, e - b + 1);
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = to_lower(c);
    return out;
}

namespace {

// Closest ASCII spelling of Latin letters, for the `plain` profile; empty means "drop it".
std::string_view fold_to_ascii(std::uint32_t cp) {
    static constexpr std::array<std::string_view, 64> kLatin1{
        "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
        "D", "N", "O", "O", "O", "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "Th", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
        "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};
    // U+0100..U+017F, one letter each.
    static constexpr std::string_view kLatinExtA =
        "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlLlLlNnNnNnnNnOoOo"
        "OoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
    static_assert(kLatinExtA.size() == 0x80);
    if (cp >= 0xC0 && cp <= 0xFF) return kLatin1[cp - 0xC0];
    if (cp >= 0x100 && cp <= 0x17F) return kLatinExtA.substr(cp - 0x100, 1);
    return {};
}

}  // namespace

std::string clean(std::string_view s, bool ascii_only) {
    std::string out;
    out.reserve(s.size());
    bool pending_space = false;
    auto put = [&](std::string_view piece) {
        if (pending_space && !out.empty()) out.push_back(' ');
        pending_space = false;
        out.append(piece);
    };
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t len = char_len(s, i);
        if (len == 0) {
            ++i;
            continue;
        }
        if (len == 1) {
            const char c = s[i];
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ' ') {
                pending_space = true;
            } else if (!(ascii_only && c == '"')) {
                put(s.substr(i, 1));
            }
        } else if (ascii_only) {
            const auto folded = fold_to_ascii(common::utf8::decode(s.substr(i)).cp);
            if (!folded.empty()) put(folded);
        } else {
            put(s.substr(i, len));
        }
        i += len;
    }
    return out;
}

std::string lower_first(std::string s) {
    if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' &&
        (s.size() == 1 || !(s[1] >= 'A' && s[1] <= 'Z'))) {
        s[0] = to_lower(s[0]);
    }
    return s;
}

std::string join(const std::vector<std::string>& items, std::size_t limit) {
    const std::size_t n = std::min(items.size(), limit);
    std::string out;
    for (std::size_t k = 0; k < n; ++k) {
        if (k > 0) out += (k + 1 == n) ? " and " : ", ";
        out += items[k];
    }
    return out;
}

std::string join(const std::vector<std::string_view>& items) {
    std::string out;
    for (std::size_t k = 0; k < items.size(); ++k) {
        if (k > 0) out += (k + 1 == items.size()) ? " and " : ", ";
        out += items[k];
    }
    return out;
}

}  // namespace mock_ollama::text
