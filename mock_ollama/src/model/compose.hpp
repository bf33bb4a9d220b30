#pragma once
// The generator's sentences: the prompt's facts prepared for output, and the composer that
// writes a clinical assessment from them, sentence by sentence, drawing from one Rng.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/rng.hpp"
#include "mock_ollama/textgen.hpp"

namespace mock_ollama::text {

// Facts cleaned for output, plus what the sentences derive from them.
struct Facts {
    std::string name;
    std::string age;
    int sex = 0;  // 0 unknown, 1 female, 2 male
    std::vector<std::string> symptoms;
    std::vector<std::string> history;
    std::vector<std::string> meds;
    std::string symptom_list;
    std::string history_list;
    std::string med_list;
    std::vector<std::string_view> dx;  // three or four likely diagnoses
};

// ascii_only: the `plain` profile (letters folded to ASCII, the rest dropped).
Facts prepare(const PromptFacts& raw, bool ascii_only);

// At least `count` tokens of text: the opening (after `formula_prefix` unless it is '\0'),
// then body sentences; `hostile_rate` of the sentences end with a hostile addition.
std::vector<std::string> compose_tokens(common::Rng& rng, const Facts& facts, double hostile_rate,
                                        char formula_prefix, std::size_t count);

}  // namespace mock_ollama::text
