#include "mini_xml.hpp"
#include "common/utf8.hpp"

#include <cstdint>

namespace mini_xml {

bool Element::has(std::string_view attr) const {
    for (const auto& [k, v] : attributes) {
        if (k == attr) return true;
    }
    return false;
}

const std::string& Element::at(std::string_view attr) const {
    for (const auto& [k, v] : attributes) {
        if (k == attr) return v;
    }
    throw std::out_of_range("<" + name + "> has no attribute " + std::string(attr));
}

std::vector<const Element*> Element::all(std::string_view child_name) const {
    std::vector<const Element*> out;
    for (const auto& c : children) {
        if (c.name == child_name) out.push_back(&c);
    }
    return out;
}

const Element* Element::first(std::string_view child_name) const {
    for (const auto& c : children) {
        if (c.name == child_name) return &c;
    }
    return nullptr;
}

namespace {

bool is_xml_char(std::uint32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Every byte of the document must be well-formed UTF-8 encoding an XML Char.
void check_characters(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 1;
        std::uint32_t cp = c;
        std::uint32_t min = 0;
        if (c >= 0x80) {
            if (c >= 0xC2 && c <= 0xDF) {
                len = 2;
                cp = c & 0x1Fu;
                min = 0x80;
            } else if ((c >> 4) == 0xE) {
                len = 3;
                cp = c & 0x0Fu;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                len = 4;
                cp = c & 0x07u;
                min = 0x10000;
            } else {
                throw ParseError("malformed UTF-8 at byte " + std::to_string(i));
            }
            if (i + len > s.size())
                throw ParseError("truncated UTF-8 at byte " + std::to_string(i));
            for (std::size_t k = 1; k < len; ++k) {
                const auto cc = static_cast<unsigned char>(s[i + k]);
                if ((cc & 0xC0) != 0x80) {
                    throw ParseError("malformed UTF-8 at byte " + std::to_string(i));
                }
                cp = (cp << 6) | (cc & 0x3Fu);
            }
            if (cp < min) throw ParseError("overlong UTF-8 at byte " + std::to_string(i));
        }
        if (!is_xml_char(cp)) {
            throw ParseError("character U+" + std::to_string(cp) + " not allowed at byte " +
                             std::to_string(i));
        }
        i += len;
    }
}

class Parser {
  public:
    explicit Parser(std::string_view s) : s_(s) {}

    Element document() {
        if (s_.substr(0, 5) == "<?xml") {
            const std::size_t end = s_.find("?>");
            if (end == std::string_view::npos) fail("unterminated XML declaration");
            const std::string_view decl = s_.substr(0, end);
            if (decl.find("version=\"1.0\"") == std::string_view::npos) fail("version is not 1.0");
            pos_ = end + 2;
        }
        misc();
        if (!peek('<')) fail("expected the root element");
        Element root = element();
        misc();
        if (pos_ != s_.size()) fail("content after the root element");
        return root;
    }

  private:
    [[noreturn]] void fail(const std::string& what) const {
        throw ParseError(what + " at byte " + std::to_string(pos_));
    }
    bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
    bool starts(std::string_view p) const { return s_.substr(pos_, p.size()) == p; }
    void expect(char c) {
        if (!peek(c)) fail(std::string("expected '") + c + "'");
        ++pos_;
    }
    static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
    bool space() {
        const std::size_t start = pos_;
        while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
        return pos_ > start;
    }
    void comment() {
        const std::size_t end = s_.find("-->", pos_ + 4);
        if (end == std::string_view::npos) fail("unterminated comment");
        pos_ = end + 3;
    }
    // Whitespace and comments outside the root.
    void misc() {
        for (;;) {
            space();
            if (starts("<!--")) {
                comment();
                continue;
            }
            return;
        }
    }

    static bool name_start(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }
    static bool name_char(char c) {
        return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
    }
    std::string name() {
        if (pos_ >= s_.size() || !name_start(s_[pos_])) fail("expected a name");
        const std::size_t start = pos_;
        while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
        return std::string(s_.substr(start, pos_ - start));
    }

    // At '&': appends the referenced character.
    void reference(std::string& out) {
        const std::size_t end = s_.find(';', pos_);
        if (end == std::string_view::npos) fail("unterminated reference");
        const std::string_view ref = s_.substr(pos_ + 1, end - pos_ - 1);
        if (ref == "amp") {
            out += '&';
        } else if (ref == "lt") {
            out += '<';
        } else if (ref == "gt") {
            out += '>';
        } else if (ref == "quot") {
            out += '"';
        } else if (ref == "apos") {
            out += '\'';
        } else if (ref.size() > 1 && ref[0] == '#') {
            const bool hex = ref[1] == 'x';
            const std::string_view digits = ref.substr(hex ? 2 : 1);
            if (digits.empty() || digits.size() > 8) fail("bad character reference");
            std::uint32_t cp = 0;
            for (char c : digits) {
                int v = -1;
                if (c >= '0' && c <= '9') v = c - '0';
                if (hex && c >= 'a' && c <= 'f') v = c - 'a' + 10;
                if (hex && c >= 'A' && c <= 'F') v = c - 'A' + 10;
                if (v < 0) fail("bad character reference");
                cp = cp * (hex ? 16u : 10u) + static_cast<std::uint32_t>(v);
            }
            if (!is_xml_char(cp)) fail("character reference to a non-XML character");
            common::utf8::append(out, cp);
        } else {
            fail("unknown entity &" + std::string(ref) + ";");
        }
        pos_ = end + 1;
    }

    std::string attribute_value() {
        if (!peek('"') && !peek('\'')) fail("attribute value not quoted");
        const char quote = s_[pos_++];
        std::string out;
        for (;;) {
            if (pos_ >= s_.size()) fail("unterminated attribute value");
            const char c = s_[pos_];
            if (c == quote) {
                ++pos_;
                return out;
            }
            if (c == '<') fail("'<' in attribute value");
            if (c == '&') {
                reference(out);
                continue;
            }
            // Attribute-value normalisation: literal whitespace characters become spaces
            // (CRLF counts once).
            if (c == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++pos_;
            out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
            ++pos_;
        }
    }

    Element element() {
        expect('<');
        Element e;
        e.name = name();
        for (;;) {
            const bool had_space = space();
            if (starts("/>")) {
                pos_ += 2;
                return e;
            }
            if (peek('>')) {
                ++pos_;
                break;
            }
            if (!had_space) fail("expected whitespace before an attribute");
            std::string key = name();
            if (e.has(key)) fail("duplicate attribute " + key);
            space();
            expect('=');
            space();
            e.attributes.emplace_back(std::move(key), attribute_value());
        }
        content(e);
        return e;
    }

    void content(Element& e) {
        for (;;) {
            if (pos_ >= s_.size()) fail("unterminated element <" + e.name + ">");
            const char c = s_[pos_];
            if (starts("</")) {
                pos_ += 2;
                const std::string closing = name();
                if (closing != e.name) fail("</" + closing + "> closes <" + e.name + ">");
                space();
                expect('>');
                return;
            }
            if (starts("<!--")) {
                comment();
            } else if (starts("<![CDATA[")) {
                const std::size_t end = s_.find("]]>", pos_);
                if (end == std::string_view::npos) fail("unterminated CDATA");
                e.text.append(s_.substr(pos_ + 9, end - pos_ - 9));
                pos_ = end + 3;
            } else if (c == '<') {
                e.children.push_back(element());
            } else if (c == '&') {
                reference(e.text);
            } else {
                if (starts("]]>")) fail("']]>' in text");
                if (c == '\r') {  // line-end normalisation
                    if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++pos_;
                    e.text += '\n';
                } else {
                    e.text += c;
                }
                ++pos_;
            }
        }
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

}  // namespace

Element parse(std::string_view document) {
    check_characters(document);
    return Parser(document).document();
}

}  // namespace mini_xml
