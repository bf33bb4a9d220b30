#pragma once
// Reading JSON text without building a DOM, for the hot paths that see one small JSON text
// per streamed token: the server reading Ollama's NDJSON lines, the harness reading the
// server's token frames. The scanner is strict where it answers and declines the rest, and
// its callers then fall back to a full parser (which also gives the error message); so a
// fast path can never accept what the full parser would reject.
#include <string>
#include <string_view>
#include <vector>

namespace common {

// A strict scanner over one JSON text: it validates the grammar (RFC 8259; strings are
// checked for control characters and escape syntax, not for UTF-8 or surrogate pairing)
// and hands out the raw text of values. It never allocates.
class JsonScanner {
  public:
    explicit JsonScanner(std::string_view s) : s_(s) {}

    void skip_ws();
    bool at_end();  // only white space is left
    bool peek(char c);
    bool eat(char c);
    // A string; `raw` has its quotes.
    bool string(std::string_view& raw);
    bool number(std::string_view& raw);
    // Any value, nested up to 64 deep; `raw` is its text without surrounding white space.
    bool value(std::string_view& raw, int depth = 0);

    // An object, calling member(key, value_raw) for each member in order; `key` is the raw
    // text between the key's quotes (still escaped).
    template <typename Member>
    bool object(Member&& member) {
        return object_in([&](std::string_view key, JsonScanner& in) {
            std::string_view val;
            if (!in.value(val)) return false;
            member(key, val);
            return true;
        });
    }

    // The same, but member(key, scanner) reads the value itself, in place, with this scanner
    // (exactly one value: value(), string(), object_in(), array_in(), ...) and returns false
    // to decline. object() hands out a value's raw text, which costs a nested structure one
    // more pass per level when its caller then reads inside it; reading in place costs one.
    // The caller bounds the nesting: only value() counts depth.
    template <typename Member>
    bool object_in(Member&& member) {
        if (!eat('{')) return false;
        if (eat('}')) return true;
        do {
            std::string_view key;
            if (!string(key) || !eat(':')) return false;
            if (!member(key.substr(1, key.size() - 2), *this)) return false;
        } while (eat(','));
        return eat('}');
    }
    // An array whose elements element(scanner) reads in place, as object_in() its values.
    template <typename Element>
    bool array_in(Element&& element) {
        if (!eat('[')) return false;
        if (eat(']')) return true;
        do {
            if (!element(*this)) return false;
        } while (eat(','));
        return eat(']');
    }

  private:
    std::string_view s_;
    std::size_t i_ = 0;
};

struct FlatMember {
    enum class Kind { string, number, boolean, null };
    std::string_view key;  // as written (keys with escapes are declined)
    Kind kind = Kind::null;
    std::string_view raw;  // a string's text between the quotes, still escaped; else the token
    bool boolean = false;
};

// True when `text` (surrounding white space allowed) is exactly one JSON object whose
// members are all scalars, with valid UTF-8 and valid escapes (surrogates paired); `members`
// then holds them in order.
bool scan_flat_object(std::string_view text, std::vector<FlatMember>& members);

// Appends the decoded form of a string's escaped text (between its quotes) to `out`.
// False on a bad escape or an unpaired surrogate.
bool json_unescape(std::string_view escaped, std::string& out);

}  // namespace common
