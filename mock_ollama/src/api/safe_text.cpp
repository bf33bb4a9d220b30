#include "api/safe_text.hpp"

#include "common/utf8.hpp"

namespace mock_ollama {

std::string escape_invalid_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = common::utf8::sequence_length(c);
        if (i + n <= s.size() && common::utf8::valid(s.substr(i, n))) {
            out.append(s, i, n);
            i += n;
            continue;
        }
        static constexpr char kHex[] = "0123456789ABCDEF";
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
        ++i;
    }
    return out;
}

std::string dump_json(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string dump_json(const nlohmann::ordered_json& j) {
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace mock_ollama
