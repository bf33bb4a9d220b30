#pragma once
// Writing JSON text by hand on hot paths (one frame per streamed token), where building a
// DOM would cost more than the rest of the work.
#include <string>
#include <string_view>

namespace common {

// Appends `s` as a JSON string literal: quotes, backslash and control characters escaped,
// UTF-8 passed through as is (as Go's and Python's ensure_ascii=False encoders do).
void append_json_string(std::string& out, std::string_view s);

// True when arrays and objects in `text` nest at most `limit` deep (brackets inside strings
// do not count). Cheap, and run before a parser so that a frame of a million '[' is refused
// without building anything; any bytes are accepted (malformed JSON is the parser's to
// refuse).
bool json_nesting_within(std::string_view text, int limit);

}  // namespace common
