#pragma once
// Where things are in a JSON text. nlohmann/json keeps no positions, so scenario errors
// ("unknown key 'tokns' in steps[2]") are placed by scanning the text once for the start of
// every value and key, by JSON Pointer.
//
// The scan is also the first line of defence against hostile files: it always moves forward
// (so it ends on any bytes), it stops at kMaxDepth levels of nesting (so nothing after it
// recurses deeper), and it stops remembering positions past a fixed budget of pointer bytes
// (so a long key over a long array cannot make it quadratic).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace harness {

// A key as one JSON Pointer reference token (RFC 6901): ~ becomes ~0, / becomes ~1.
std::string json_pointer_token(std::string_view key);

struct TextPosition {
    std::size_t line = 1;    // 1-based
    std::size_t column = 1;  // 1-based, in bytes
};

class JsonLocator {
  public:
    // Most arrays and objects a value may be nested in, the outermost one included.
    static constexpr int kMaxDepth = 256;

    // Scans `text` (assumed to be valid JSON; on invalid input it records what it could).
    explicit JsonLocator(std::string_view text);
    // Position of the value at `pointer` ("/steps/2/op"); of its key when `key` is set and
    // the value is an object member. Unknown pointers give the closest known ancestor.
    TextPosition find(const std::string& pointer, bool key = false) const;
    // Line and column of a byte offset.
    TextPosition at(std::size_t offset) const;
    // The offset of the first value nested deeper than kMaxDepth (the scan stopped there).
    std::optional<std::size_t> too_deep() const { return too_deep_; }

  private:
    std::string_view text_;
    std::map<std::string, std::size_t> values_, keys_;
    std::optional<std::size_t> too_deep_;
};

}  // namespace harness
