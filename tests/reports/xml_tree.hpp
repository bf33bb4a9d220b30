#pragma once
// The JUnit tests read render_junit's output back with libxml2, a conforming XML 1.0 parser
// (no recovery): it rejects mismatched tags, duplicate or unquoted attributes, raw '<' or '&',
// unknown entities, characters outside the Char production, malformed UTF-8 and content after
// the root. The tree gives attribute values and text as the parser reports them (references
// decoded, attribute whitespace normalised).
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xml_tree {

struct Element {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;  // in document order
    std::vector<Element> children;
    std::string text;  // character data directly inside this element, concatenated

    bool has(std::string_view attr) const;
    // The attribute's value; throws std::out_of_range when absent.
    const std::string& at(std::string_view attr) const;
    std::vector<const Element*> all(std::string_view child_name) const;
    const Element* first(std::string_view child_name) const;  // nullptr when absent
};

struct ParseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Parses a whole document (optional XML declaration, one root element).
Element parse(std::string_view document);

}  // namespace xml_tree
