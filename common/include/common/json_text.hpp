#pragma once
// Writing JSON text by hand on hot paths (one frame per streamed token), where building a
// DOM would cost more than the rest of the work.
#include <string>
#include <string_view>

namespace common {

// Appends `s` as a JSON string literal: quotes, backslash and control characters escaped,
// UTF-8 passed through as is (as Go's and Python's ensure_ascii=False encoders do).
void append_json_string(std::string& out, std::string_view s);

}  // namespace common
