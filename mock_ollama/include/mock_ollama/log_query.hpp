#pragma once
// What a reader of the request log asks for: GET /_mock/requests?since=&limit=&tokens= or,
// for a filter too long for a URL, POST /_mock/requests with the same fields as JSON plus
// "prompt_lines": only requests whose prompt has one of these lines, whole (a harness shard
// asks for its own patients' "Name: ..." lines, so that a mock shared by many shards does
// not ship every shard's tokens to each).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <variant>

namespace mock_ollama {

struct LogQuery {
    std::uint64_t since = 0;  // ids after this
    std::size_t limit = std::numeric_limits<std::size_t>::max();
    bool tokens = true;
    std::unordered_set<std::string> prompt_lines;  // empty: every request

    // The filter on one prompt: true without prompt_lines, else when a line of it (split at
    // '\n') is one of them.
    bool wants(std::string_view prompt) const;
};

// A POST body to a query (`limit` is the default when the body names none), or the message
// of a 400: not an object, an unknown key, a field of the wrong type or range.
std::variant<LogQuery, std::string> parse_log_query(std::string_view body, std::size_t limit);

// The most prompt lines one query may give: well above one per client of the largest
// scenario, well below what would make a request take long to check.
inline constexpr std::size_t kMaxPromptLines = 200'000;

}  // namespace mock_ollama
