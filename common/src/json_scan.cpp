#include "common/json_scan.hpp"

#include "common/utf8.hpp"

namespace common {

namespace {

class Scanner {
  public:
    explicit Scanner(std::string_view text) : s_(text) {}

    bool object(std::vector<FlatMember>& members) {
        members.clear();
        skip_ws();
        if (!eat('{')) return false;
        skip_ws();
        if (eat('}')) return end();
        for (;;) {
            FlatMember m;
            bool escaped = false;
            if (!string(m.key, escaped) || escaped) return false;
            skip_ws();
            if (!eat(':')) return false;
            skip_ws();
            if (!value(m)) return false;
            members.push_back(m);
            skip_ws();
            if (eat('}')) return end();
            if (!eat(',')) return false;
            skip_ws();
        }
    }

  private:
    bool end() {
        skip_ws();
        return i_ == s_.size();
    }
    bool eat(char c) {
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    void skip_ws() {
        while (i_ < s_.size() &&
               (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) {
            ++i_;
        }
    }
    bool literal(std::string_view word) {
        if (s_.substr(i_, word.size()) != word) return false;
        i_ += word.size();
        return true;
    }

    // A string's body: no raw control characters, escapes checked by json_unescape later
    // only when it has any (the common token has none), UTF-8 validated here.
    bool string(std::string_view& body, bool& escaped) {
        if (!eat('"')) return false;
        const std::size_t start = i_;
        bool ascii = true;
        while (i_ < s_.size()) {
            const auto c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') {
                body = s_.substr(start, i_ - start);
                ++i_;
                if (!ascii && !utf8::valid(body)) return false;
                if (escaped) {
                    std::string scratch;
                    if (!json_unescape(body, scratch)) return false;
                }
                return true;
            }
            if (c < 0x20) return false;
            if (c >= 0x80) ascii = false;
            if (c == '\\') {
                escaped = true;
                if (++i_ == s_.size()) return false;  // the escaped character is skipped below
            }
            ++i_;
        }
        return false;
    }

    bool digits() {
        const std::size_t start = i_;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
        return i_ > start;
    }

    // RFC 8259 number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    bool number() {
        eat('-');
        if (eat('0')) {
            if (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') return false;
        } else if (!digits()) {
            return false;
        }
        if (eat('.') && !digits()) return false;
        if (eat('e') || eat('E')) {
            if (!eat('+')) eat('-');
            if (!digits()) return false;
        }
        return true;
    }

    bool value(FlatMember& m) {
        if (i_ >= s_.size()) return false;
        const std::size_t start = i_;
        switch (s_[i_]) {
            case '"': {
                bool escaped = false;
                m.kind = FlatMember::Kind::string;
                return string(m.raw, escaped);
            }
            case 't':
                m.kind = FlatMember::Kind::boolean;
                m.boolean = true;
                m.raw = "true";
                return literal("true");
            case 'f':
                m.kind = FlatMember::Kind::boolean;
                m.raw = "false";
                return literal("false");
            case 'n':
                m.kind = FlatMember::Kind::null;
                m.raw = "null";
                return literal("null");
            default:
                m.kind = FlatMember::Kind::number;
                if (!number()) return false;
                m.raw = s_.substr(start, i_ - start);
                return true;
        }
    }

    std::string_view s_;
    std::size_t i_ = 0;
};

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
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

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace

bool scan_flat_object(std::string_view text, std::vector<FlatMember>& members) {
    return Scanner(text).object(members);
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
                out += '"';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
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
                append_utf8(out, cp);
                break;
            }
            default:
                return false;
        }
    }
    return true;
}

}  // namespace common
