#pragma once
// Reading a flat JSON object (every member a string, number, true, false or null) without
// building a DOM: the server's hot path, one Ollama NDJSON line per streamed token. It is
// exact where it answers and declines the rest: anything nested, malformed, or with an
// escaped key makes scan_flat_object return false, and the caller falls back to a full
// parser (which then also gives the error message). So it can never accept what the full
// parser would reject.
#include <string>
#include <string_view>
#include <vector>

namespace common {

struct FlatMember {
    enum class Kind { string, number, boolean, null };
    std::string_view key;  // as written (keys with escapes are declined)
    Kind kind = Kind::null;
    std::string_view raw;  // a string's text between the quotes, still escaped; else the token
    bool boolean = false;
};

// True when `text` (surrounding whitespace allowed) is exactly one JSON object whose members
// are all scalars, with valid UTF-8 and valid escapes; `members` then holds them in order.
bool scan_flat_object(std::string_view text, std::vector<FlatMember>& members);

// Appends the decoded form of a string's escaped text (FlatMember::raw) to `out`.
// False on a bad escape or an unpaired surrogate.
bool json_unescape(std::string_view escaped, std::string& out);

}  // namespace common
