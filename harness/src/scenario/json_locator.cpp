#include "harness/json_locator.hpp"

namespace harness {

std::string json_pointer_token(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    for (const char ch : key) {
        if (ch == '~')
            out += "~0";
        else if (ch == '/')
            out += "~1";
        else
            out += ch;
    }
    return out;
}

namespace {

// A recursive-descent walk that only remembers offsets; it never builds values. Every step
// consumes at least one byte or returns, and nesting past kMaxDepth ends the walk, so it
// finishes on any input with bounded recursion.
class Walker {
  public:
    Walker(std::string_view t, std::map<std::string, std::size_t>& values,
           std::map<std::string, std::size_t>& keys, std::optional<std::size_t>& too_deep)
        : t_(t), values_(values), keys_(keys), too_deep_(too_deep) {}

    void value(int depth) {
        skip_ws();
        if (i_ >= t_.size()) return;
        const char c = t_[i_];
        // `depth` containers enclose this value; opening one more must stay within the limit.
        if ((c == '{' || c == '[') && depth >= JsonLocator::kMaxDepth) {
            too_deep_ = i_;
            i_ = t_.size();  // stop: every enclosing loop sees the end and returns
            return;
        }
        remember(values_, i_);
        if (c == '{') {
            ++i_;
            while (next_member('}')) {
                const std::size_t key_at = i_;
                if (t_[i_] != '"') {  // broken input: not a key; move on
                    ++i_;
                    continue;
                }
                const std::string key = string_text();
                const std::size_t parent = path_.size();
                path_ += '/';
                append_escaped(key);
                remember(keys_, key_at);
                skip_ws();
                if (i_ < t_.size() && t_[i_] == ':') ++i_;
                value(depth + 1);
                path_.resize(parent);
            }
        } else if (c == '[') {
            ++i_;
            std::size_t index = 0;
            while (next_member(']')) {
                const std::size_t parent = path_.size();
                path_ += '/';
                path_ += std::to_string(index++);
                value(depth + 1);
                path_.resize(parent);
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
    // Steps to the next member of the object or array that `close` ends, over whitespace and
    // commas: false at its end (`close` consumed) or at the end of the text.
    bool next_member(char close) {
        for (;;) {
            skip_ws();
            if (i_ >= t_.size()) return false;
            if (t_[i_] == close) {
                ++i_;
                return false;
            }
            if (t_[i_] != ',') return true;
            ++i_;
        }
    }

    // Positions past this many bytes of stored pointers are not kept (find() then answers
    // with an ancestor): a file of n bytes could otherwise need n^2 bytes of pointers.
    static constexpr std::size_t kPointerBudget = std::size_t{32} << 20;

    void remember(std::map<std::string, std::size_t>& where, std::size_t offset) {
        if (stored_ + path_.size() > kPointerBudget) return;
        stored_ += path_.size();
        where.insert_or_assign(path_, offset);  // a duplicate key: the last wins, as in nlohmann
    }
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
    void append_escaped(const std::string& key) { path_ += json_pointer_token(key); }

    std::string_view t_;
    std::size_t i_ = 0;
    std::string path_;  // the pointer of the value being walked
    std::size_t stored_ = 0;
    std::map<std::string, std::size_t>& values_;
    std::map<std::string, std::size_t>& keys_;
    std::optional<std::size_t>& too_deep_;
};

}  // namespace

JsonLocator::JsonLocator(std::string_view text) : text_(text) {
    Walker(text, values_, keys_, too_deep_).value(0);
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
