#pragma once
// Deterministic text for the mock: a short clinical assessment built from the facts in the
// prompt, cut into LLM-like tokens. The same (seed, model, prompt, count, options) give the
// same tokens in every process, because all randomness comes from common::Rng.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mock_ollama {

enum class TextProfile {
    clinical,  // natural text; `hostile_rate` of its sentences carry CSV-breaking characters
    hostile,   // every sentence carries them, and the text starts with '=' or '@'
    plain,     // ASCII only, no hostile sentences
};

// Accepts "clinical", "hostile", "plain" (exact, lowercase).
std::optional<TextProfile> parse_text_profile(std::string_view name);
std::string_view to_string(TextProfile p);
// Every profile's name, in the table's order: the choices of --profile and its config keys.
std::span<const std::string_view> text_profile_names();

struct TextOptions {
    TextProfile profile = TextProfile::clinical;
    double hostile_rate = 0.2;  // probability per sentence of characters that break naive code
};

struct PromptFacts {
    std::string name;  // empty when none found
    std::optional<int> age;
    std::vector<std::string> symptoms;  // may be empty
    std::vector<std::string> medications;
    std::vector<std::string> history;
    std::string sex;  // raw value of `Gender:`/`Sex:`, empty when none found
};

// Reads `Key: value` lines (keys case-insensitive, optional "- " or "**" decoration); lists
// are split on ',' and ';'. The first occurrence of a key wins.
PromptFacts extract_facts(std::string_view prompt);

// The seed of what one request generates, from (seed, model, prompt): the text below, and a
// structured answer's value. "phi" and "phi:latest" give the same.
std::uint64_t text_seed(std::uint64_t seed, std::string_view model, std::string_view prompt);

// Exactly `count` tokens (count may be 0 -> empty); same inputs -> same tokens, in every process.
// Tokens are non-empty, valid UTF-8, and concatenate to the text. "phi" and "phi:latest" name
// the same model and give the same tokens.
std::vector<std::string> generate_tokens(std::uint64_t seed, std::string_view model,
                                         std::string_view prompt, std::size_t count,
                                         const TextOptions& options);

// Splits text into LLM-like tokens: word pieces with a leading space, long words in 2-3
// pieces, punctuation and "\n" on their own, digits in groups of up to 3. Appends to `out`.
// Exposed so scripted or echoed text can be tokenised the same way.
void tokenize_into(std::string_view text, std::vector<std::string>& out);

}  // namespace mock_ollama
