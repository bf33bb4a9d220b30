// tokenize_into: text cut into LLM-like tokens.
#include <algorithm>
#include <cstdint>

#include "common/utf8.hpp"
#include "mock_ollama/textgen.hpp"
#include "model/text_clean.hpp"

namespace mock_ollama {
namespace {

using text::char_len;
using text::is_alpha;
using text::is_digit;

enum class CharClass { space, newline, letter, digit, apostrophe, symbol };

CharClass classify(std::string_view s, std::size_t i, std::size_t& len) {
    len = char_len(s, i);
    if (len == 0) {
        len = 1;  // a stray byte becomes its own token rather than corrupting a neighbour
        return CharClass::symbol;
    }
    if (len == 1) {
        const char c = s[i];
        if (c == ' ') return CharClass::space;
        if (c == '\n') return CharClass::newline;
        if (is_alpha(c)) return CharClass::letter;
        if (is_digit(c)) return CharClass::digit;
        if (c == '\'') return CharClass::apostrophe;
        return CharClass::symbol;
    }
    if (len == 4) return CharClass::symbol;  // emoji and other astral symbols stand alone
    const char32_t cp = common::utf8::decode(s.substr(i, len)).cp;
    if ((cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F)) return CharClass::symbol;
    return CharClass::letter;
}

std::size_t letter_run_end(std::string_view s, std::size_t i) {
    std::size_t len = 0;
    while (i < s.size() && classify(s, i, len) == CharClass::letter) i += len;
    return i;
}

void emit(std::vector<std::string>& out, bool space, std::string_view piece) {
    std::string tok;
    tok.reserve(piece.size() + 1);
    if (space) tok.push_back(' ');
    tok.append(piece);
    out.push_back(std::move(tok));
}

// Long words become 2-3 pieces, as a BPE vocabulary would split rarer words.
void emit_word(std::vector<std::string>& out, bool space, std::string_view word) {
    std::size_t cps = common::utf8::code_points(word);
    if (cps <= 7) {
        emit(out, space, word);
        return;
    }
    const std::size_t pieces = cps <= 11 ? 2 : cps <= 18 ? 3 : (cps + 5) / 6;
    std::size_t byte = 0;
    std::size_t cp = 0;
    for (std::size_t p = 1; p <= pieces; ++p) {
        const std::size_t cut_cp = cps * p / pieces;
        const std::size_t start = byte;
        while (cp < cut_cp) {
            byte += common::utf8::sequence_length(static_cast<unsigned char>(word[byte]));
            ++cp;
        }
        emit(out, space && p == 1, word.substr(start, byte - start));
    }
}

}  // namespace

void tokenize_into(std::string_view text, std::vector<std::string>& out) {
    std::size_t i = 0;
    std::size_t len = 0;
    while (i < text.size()) {
        bool space = false;
        if (text[i] == ' ' && i + 1 < text.size()) {
            const CharClass next = classify(text, i + 1, len);
            if (next != CharClass::space && next != CharClass::newline) {
                space = true;  // a single space rides on the next piece, as in BPE vocabularies
                ++i;
            }
        }
        switch (classify(text, i, len)) {
            case CharClass::space:
                out.emplace_back(" ");
                ++i;
                break;
            case CharClass::newline:
                out.emplace_back("\n");
                ++i;
                break;
            case CharClass::letter: {
                const std::size_t end = letter_run_end(text, i);
                emit_word(out, space, text.substr(i, end - i));
                i = end;
                break;
            }
            case CharClass::digit: {
                std::size_t end = i;
                while (end < text.size() && is_digit(text[end])) ++end;
                bool first = true;
                for (std::size_t k = i; k < end; k += 3) {
                    emit(out, space && first, text.substr(k, std::min<std::size_t>(3, end - k)));
                    first = false;
                }
                i = end;
                break;
            }
            case CharClass::apostrophe: {
                const std::size_t end = letter_run_end(text, i + 1);
                emit(out, space, text.substr(i, end - i));  // "'s" stays whole
                i = end;
                break;
            }
            case CharClass::symbol:
                emit(out, space, text.substr(i, len));
                i += len;
                break;
        }
    }
}

}  // namespace mock_ollama
