#pragma once
// Where things are in a JSON text. nlohmann/json keeps no positions, so scenario errors
// ("unknown key 'tokns' in steps[2]") are placed by scanning the text once for the start of
// every value and key, by JSON Pointer.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace harness {

struct TextPosition {
    std::size_t line = 1;    // 1-based
    std::size_t column = 1;  // 1-based, in bytes
};

class JsonLocator {
  public:
    // Scans `text` (assumed to be valid JSON; on invalid input it records what it could).
    explicit JsonLocator(std::string_view text);
    // Position of the value at `pointer` ("/steps/2/op"); of its key when `key` is set and
    // the value is an object member. Unknown pointers give the closest known ancestor.
    TextPosition find(const std::string& pointer, bool key = false) const;
    // Line and column of a byte offset.
    TextPosition at(std::size_t offset) const;

  private:
    std::string_view text_;
    std::map<std::string, std::size_t> values_, keys_;
};

}  // namespace harness
