#pragma once
// A small, strict XML 1.0 reader for the JUnit tests, so that they need no tool: it rejects
// what a conforming parser rejects for the constructs junit.xml uses (mismatched tags,
// duplicate or unquoted attributes, raw '<' or '&', unknown entities, characters outside the
// XML 1.0 Char production, malformed UTF-8, content after the root) and returns the tree
// with attribute values and text decoded (and normalised) as a parser would report them.
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mini_xml {

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

}  // namespace mini_xml
