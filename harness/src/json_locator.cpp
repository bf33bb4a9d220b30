#include "harness/json_locator.hpp"

namespace harness {

namespace {

// A recursive-descent walk that only remembers offsets; it never builds values.
class Walker {
  public:
    Walker(std::string_view t, std::map<std::string, std::size_t>& values,
           std::map<std::string, std::size_t>& keys)
        : t_(t), values_(values), keys_(keys) {}

    void value(const std::string& path, int depth) {
        skip_ws();
        if (i_ >= t_.size() || depth > 256) return;
        values_[path] = i_;
        const char c = t_[i_];
        if (c == '{') {
            ++i_;
            for (;;) {
                skip_ws();
                if (i_ >= t_.size()) return;
                if (t_[i_] == '}') {
                    ++i_;
                    return;
                }
                if (t_[i_] == ',') {
                    ++i_;
                    continue;
                }
                const std::size_t key_at = i_;
                if (t_[i_] != '"') {  // broken input: not a key; move on
                    ++i_;
                    continue;
                }
                const std::string key = string_text();
                const std::string child = path + "/" + escape(key);
                keys_[child] = key_at;
                skip_ws();
                if (i_ < t_.size() && t_[i_] == ':') ++i_;
                value(child, depth + 1);
            }
        } else if (c == '[') {
            ++i_;
            std::size_t index = 0;
            for (;;) {
                skip_ws();
                if (i_ >= t_.size()) return;
                if (t_[i_] == ']') {
                    ++i_;
                    return;
                }
                if (t_[i_] == ',') {
                    ++i_;
                    continue;
                }
                value(path + "/" + std::to_string(index++), depth + 1);
            }
        } else if (c == '"') {
            string_text();
        } else {
            // A scalar; on broken input (a stray '}' inside an array) step over one byte so
            // that the walk always moves forward.
            const std::size_t start = i_;
            while (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '}' && t_[i_] != ']' &&
                   t_[i_] != ' ' && t_[i_] != '\n' && t_[i_] != '\r' && t_[i_] != '\t') {
                ++i_;
            }
            if (i_ == start) ++i_;
        }
    }

  private:
    void skip_ws() {
        while (i_ < t_.size() &&
               (t_[i_] == ' ' || t_[i_] == '\n' || t_[i_] == '\r' || t_[i_] == '\t'))
            ++i_;
    }
    // Reads a string literal (escapes resolved only as far as keys need: \" and \\).
    std::string string_text() {
        std::string out;
        if (i_ >= t_.size() || t_[i_] != '"') return out;
        ++i_;
        while (i_ < t_.size() && t_[i_] != '"') {
            if (t_[i_] == '\\' && i_ + 1 < t_.size()) {
                ++i_;
            }
            out += t_[i_++];
        }
        ++i_;
        return out;
    }
    static std::string escape(const std::string& key) {  // JSON Pointer: ~ -> ~0, / -> ~1
        std::string e;
        for (char ch : key) {
            if (ch == '~')
                e += "~0";
            else if (ch == '/')
                e += "~1";
            else
                e += ch;
        }
        return e;
    }

    std::string_view t_;
    std::size_t i_ = 0;
    std::map<std::string, std::size_t>& values_;
    std::map<std::string, std::size_t>& keys_;
};

}  // namespace

JsonLocator::JsonLocator(std::string_view text) : text_(text) {
    Walker(text, values_, keys_).value("", 0);
}

TextPosition JsonLocator::at(std::size_t offset) const {
    TextPosition p;
    for (std::size_t i = 0; i < offset && i < text_.size(); ++i) {
        if (text_[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else {
            ++p.column;
        }
    }
    return p;
}

TextPosition JsonLocator::find(const std::string& pointer, bool key) const {
    std::string p = pointer;
    for (;;) {
        if (key) {
            if (auto it = keys_.find(p); it != keys_.end()) return at(it->second);
        }
        if (auto it = values_.find(p); it != values_.end()) return at(it->second);
        if (p.empty()) return {};
        p = p.substr(0, p.rfind('/'));
        key = false;
    }
}

}  // namespace harness
