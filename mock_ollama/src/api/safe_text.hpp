#pragma once
// Client bytes that end up in JSON replies. nlohmann's dump() throws on invalid UTF-8, and an
// uncaught throw on an I/O thread ends the process: every reply built from client-derived
// text goes through these, so that no byte a client sends can make a reply fail.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace mock_ollama {

// `s` with each byte that is not part of a well-formed UTF-8 sequence written as "\xHH": error
// texts stay readable and say which byte was wrong.
std::string escape_invalid_utf8(std::string_view s);

// Compact JSON text; invalid UTF-8 in strings becomes U+FFFD instead of an exception.
std::string dump_json(const nlohmann::json& j);
std::string dump_json(const nlohmann::ordered_json& j);

}  // namespace mock_ollama
