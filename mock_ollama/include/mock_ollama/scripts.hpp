#pragma once
// Scripted responses: a JSON file maps prompt patterns (and optionally a model) to exact
// tokens, for tests that need byte-exact output instead of generated text.
//
//   {"scripts": [{"match": "chest pain",          // RE2 regex, searched in the prompt
//                 "model": "phi",                 // optional; "phi" also matches "phi:latest"
//                 "tokens": ["Hello", " world"],
//                 "delays_ms": [120, 20]}]}       // optional; one per token, unscaled
//
// An entry may script a tool call instead of tokens: when a chat that offers tools (and whose
// last message is not a tool's result) matches, the model calls this tool with exactly these
// arguments, offered or not (a client's handling of an unknown tool can be tested so):
//
//   {"match": "weather", "tool_call": {"name": "get_weather", "arguments": {"city": "Paris"}}}
//
// A top-level array of entries is accepted too. Entries are named "scripts[i]" in error
// messages in both forms.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mock_ollama {

// Limits on what a scripts document may make the mock hold: the file read, the entries, and
// each compiled pattern (RE2 refuses patterns that need more memory than this).
inline constexpr std::size_t kMaxScriptsFileBytes = 4 << 20;
inline constexpr std::size_t kMaxScriptEntries = 1000;
inline constexpr std::int64_t kMaxPatternMemory = 1 << 20;

struct ScriptedResponse {
    std::vector<std::string> tokens;
    std::vector<double>
        delays_ms;  // empty, or one per token: delay before that token (unscaled ms)
    // A tool-call entry (then `tokens` is empty): the tool's name and its arguments, the text
    // of a JSON object.
    std::string tool_name, tool_arguments;
    bool is_tool_call() const { return !tool_name.empty(); }
};

class ScriptBook {
  public:
    ScriptBook();
    ~ScriptBook();
    ScriptBook(ScriptBook&&) noexcept;
    ScriptBook& operator=(ScriptBook&&) noexcept;
    ScriptBook(const ScriptBook&);
    ScriptBook& operator=(const ScriptBook&);

    // Throws std::invalid_argument; the message names the offending entry and key, e.g.
    // "scripts[2].tokens: expected an array of strings".
    static ScriptBook parse(const nlohmann::json& doc);
    // Throws std::invalid_argument; the message starts with the file path, and JSON syntax
    // errors give line and column ("<path>:3:14: invalid JSON: ...") but never quote the file.
    // Only a regular file of at most kMaxScriptsFileBytes is read.
    static ScriptBook load(const std::filesystem::path& file);

    // First matching token entry in file order, or nullptr. The pointer lives as long as the
    // book.
    const ScriptedResponse* match(std::string_view model, std::string_view prompt) const;
    // The same among the tool-call entries.
    const ScriptedResponse* match_tool_call(std::string_view model, std::string_view prompt) const;
    std::size_t size() const;

  private:
    struct Entry;  // holds a compiled RE2; kept out of the header to spare its includers
    const ScriptedResponse* find(std::string_view model, std::string_view prompt,
                                 bool tool_call) const;
    std::vector<Entry> entries_;
};

}  // namespace mock_ollama
