#include "chat/screen_text.hpp"

namespace harness::chat {

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            out += '^';
            out += static_cast<char>(c + 0x40);
        } else if (c == 0x7f) {
            out += "^?";
        } else if (c == 0xC2 && i + 1 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            // A C1 control in UTF-8 (0xC2 0x80..0x9F): CSI (U+009B) is an escape on its own.
            out += "^[";
            out += static_cast<char>(static_cast<unsigned char>(text[i + 1]) - 0x40);
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace harness::chat
