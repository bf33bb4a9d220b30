#include "common/json_scan.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

#include "common/utf8.hpp"

namespace common {

namespace {

constexpr int kMaxDepth = 64;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

int hex(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool read_u16(std::string_view s, std::size_t at, unsigned& out) {
    if (at + 4 > s.size()) return false;
    out = 0;
    for (std::size_t k = 0; k < 4; ++k) {
        const int h = hex(s[at + k]);
        if (h < 0) return false;
        out = out * 16 + static_cast<unsigned>(h);
    }
    return true;
}

}  // namespace

void JsonScanner::skip_ws() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
        ++i_;
    }
}

bool JsonScanner::at_end() {
    skip_ws();
    return i_ == s_.size();
}

bool JsonScanner::peek(char c) {
    skip_ws();
    return i_ < s_.size() && s_[i_] == c;
}

bool JsonScanner::eat(char c) {
    if (!peek(c)) return false;
    ++i_;
    return true;
}

bool JsonScanner::string(std::string_view& raw) {
    skip_ws();
    if (i_ >= s_.size() || s_[i_] != '"') return false;
    const std::size_t start = i_++;
    while (i_ < s_.size()) {
        const auto c = static_cast<unsigned char>(s_[i_]);
        if (c == '"') {
            ++i_;
            raw = s_.substr(start, i_ - start);
            return true;
        }
        if (c < 0x20) return false;
        if (c == '\\') {
            if (++i_ >= s_.size()) return false;
            const char e = s_[i_];
            if (e == 'u') {
                for (int k = 0; k < 4; ++k) {
                    if (++i_ >= s_.size() || hex(s_[i_]) < 0) return false;
                }
            } else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' &&
                       e != 'r' && e != 't') {
                return false;
            }
        }
        ++i_;
    }
    return false;
}

bool JsonScanner::number(std::string_view& raw) {
    skip_ws();
    const std::size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
    if (s_[i_] == '0') {
        ++i_;
    } else {
        while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
        ++i_;
        if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
        while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
        ++i_;
        if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
        if (i_ >= s_.size() || !is_digit(s_[i_])) return false;
        while (i_ < s_.size() && is_digit(s_[i_])) ++i_;
    }
    raw = s_.substr(start, i_ - start);
    return true;
}

bool JsonScanner::value(std::string_view& raw, int depth) {
    if (depth > kMaxDepth) return false;
    skip_ws();
    if (i_ >= s_.size()) return false;
    const std::size_t start = i_;
    const char c = s_[i_];
    if (c == '"') return string(raw);
    if (c == '-' || is_digit(c)) return number(raw);
    if (c == '{' || c == '[') {
        const char close = c == '{' ? '}' : ']';
        ++i_;
        if (!eat(close)) {
            do {
                std::string_view ignored;
                if (c == '{' && (!string(ignored) || !eat(':'))) return false;
                if (!value(ignored, depth + 1)) return false;
            } while (eat(','));
            if (!eat(close)) return false;
        }
        raw = s_.substr(start, i_ - start);
        return true;
    }
    for (std::string_view lit : {"true", "false", "null"}) {
        if (s_.substr(i_, lit.size()) == lit) {
            i_ += lit.size();
            raw = s_.substr(start, lit.size());
            return true;
        }
    }
    return false;
}

bool scan_flat_object(std::string_view text, std::vector<FlatMember>& members) {
    members.clear();
    JsonScanner scanner(text);
    bool flat = true;
    const bool ok = scanner.object([&](std::string_view key, std::string_view raw) {
        if (!flat) return;
        FlatMember m;
        m.key = key;
        switch (raw.front()) {
            case '"': {
                m.kind = FlatMember::Kind::string;
                m.raw = raw.substr(1, raw.size() - 2);
                // The scanner checked the escape syntax; UTF-8 and surrogate pairing are
                // checked here, only for the strings that need it (a plain token needs neither).
                if (!utf8::valid(m.raw)) flat = false;
                std::string scratch;
                if (m.raw.find("\\u") != std::string_view::npos && !json_unescape(m.raw, scratch)) {
                    flat = false;
                }
                break;
            }
            case '{':
            case '[':
                flat = false;  // nested: the full parser's job
                break;
            case 't':
            case 'f':
                m.kind = FlatMember::Kind::boolean;
                m.boolean = raw.front() == 't';
                m.raw = raw;
                break;
            case 'n':
                m.kind = FlatMember::Kind::null;
                m.raw = raw;
                break;
            default: {
                m.kind = FlatMember::Kind::number;
                m.raw = raw;
                // The grammar is not enough: the full parser rejects a number whose value
                // overflows a double (1e400, or 400 digits), so the scanner must too. Found
                // by common_ndjson_fuzz. (An underflow is declined as well: harmless.)
                double value = 0;
                const char* end = raw.data() + raw.size();
                const auto parsed = std::from_chars(raw.data(), end, value);
                if (parsed.ec != std::errc{} || parsed.ptr != end || !std::isfinite(value)) {
                    flat = false;
                }
                break;
            }
        }
        // An escaped key might spell another key; a key is held to UTF-8 like any string.
        if (key.find('\\') != std::string_view::npos || !utf8::valid(key)) flat = false;
        members.push_back(m);
    });
    return ok && flat && scanner.at_end();
}

bool json_unescape(std::string_view s, std::string& out) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t next = s.find('\\', i);
        if (next == std::string_view::npos) {
            out.append(s.substr(i));
            return true;
        }
        out.append(s.substr(i, next - i));
        i = next + 1;
        if (i == s.size()) return false;
        const char e = s[i++];
        switch (e) {
            case '"':
            case '\\':
            case '/':
                out += e;
                break;
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case 'u': {
                unsigned cp = 0;
                if (!read_u16(s, i, cp)) return false;
                i += 4;
                if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate first
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned low = 0;
                    if (i + 2 > s.size() || s[i] != '\\' || s[i + 1] != 'u' ||
                        !read_u16(s, i + 2, low) || low < 0xDC00 || low > 0xDFFF) {
                        return false;
                    }
                    i += 6;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                utf8::append(out, cp);
                break;
            }
            default:
                return false;
        }
    }
    return true;
}

}  // namespace common
