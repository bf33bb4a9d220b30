// extract_facts (what the prompt says about the patient) and prepare (those facts as the
// sentences use them).
#include <algorithm>
#include <array>
#include <utility>

#include "model/compose.hpp"
#include "model/text_clean.hpp"
#include "model/vocabulary.hpp"

namespace mock_ollama {

using text::is_digit;
using text::lower_ascii;
using text::trim;

namespace {

enum class Key { none, name, age, sex, symptoms, history, medications };

Key classify_key(std::string_view key) {
    static constexpr std::array<std::pair<std::string_view, Key>, 22> kKeys{{
        {"name", Key::name},
        {"patient", Key::name},
        {"patient name", Key::name},
        {"full name", Key::name},
        {"age", Key::age},
        {"patient age", Key::age},
        {"gender", Key::sex},
        {"sex", Key::sex},
        {"symptoms", Key::symptoms},
        {"current symptoms", Key::symptoms},
        {"presenting symptoms", Key::symptoms},
        {"chief complaint", Key::symptoms},
        {"complaints", Key::symptoms},
        {"history", Key::history},
        {"medical history", Key::history},
        {"past medical history", Key::history},
        {"pmh", Key::history},
        {"medications", Key::medications},
        {"current medications", Key::medications},
        {"medication", Key::medications},
        {"meds", Key::medications},
        {"current medication", Key::medications},
    }};
    for (const auto& [k, v] : kKeys) {
        if (k == key) return v;
    }
    return Key::none;
}

bool is_none_value(std::string_view v) {
    static constexpr std::array<std::string_view, 9> kNone{
        "none", "n/a", "na", "nil", "unknown", "-", "not specified", "none reported", "no"};
    const std::string low = lower_ascii(v);
    return std::find(kNone.begin(), kNone.end(), low) != kNone.end();
}

std::vector<std::string> split_list(std::string_view v) {
    std::vector<std::string> items;
    while (!v.empty()) {
        const auto cut = v.find_first_of(",;");
        const auto item = trim(v.substr(0, cut), " \t\r\v\f.");
        if (!item.empty() && !is_none_value(item)) items.emplace_back(item);
        if (cut == std::string_view::npos) break;
        v.remove_prefix(cut + 1);
    }
    return items;
}

std::optional<int> parse_age(std::string_view v) {
    int age = 0;
    std::size_t digits = 0;
    while (digits < v.size() && is_digit(v[digits])) {
        if (++digits > 3) return std::nullopt;
        age = age * 10 + (v[digits - 1] - '0');
    }
    if (digits == 0 || age > 150) return std::nullopt;
    return age;
}

std::vector<std::string> clean_list(const std::vector<std::string>& in, bool ascii_only) {
    std::vector<std::string> out;
    for (const auto& item : in) {
        std::string c = text::lower_first(text::clean(item, ascii_only));
        if (!c.empty()) out.push_back(std::move(c));
    }
    return out;
}

}  // namespace

PromptFacts extract_facts(std::string_view prompt) {
    PromptFacts facts;
    bool seen_sex = false;
    while (!prompt.empty()) {
        const auto eol = prompt.find('\n');
        std::string_view line = prompt.substr(0, eol);
        prompt.remove_prefix(eol == std::string_view::npos ? prompt.size() : eol + 1);

        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        // Markdown decoration such as "- **Name:** Maria" is common in prompts.
        const std::string key = lower_ascii(trim(line.substr(0, colon), " \t\r\v\f-*#>_"));
        const std::string_view value = trim(line.substr(colon + 1), " \t\r\v\f*_");
        switch (classify_key(key)) {
            case Key::name:
                if (facts.name.empty() && !value.empty() && !is_none_value(value)) {
                    facts.name = std::string(value);
                }
                break;
            case Key::age:
                if (!facts.age) facts.age = parse_age(value);
                break;
            case Key::sex:
                if (!seen_sex && !value.empty()) {
                    facts.sex = std::string(value);
                    seen_sex = true;
                }
                break;
            case Key::symptoms:
                if (facts.symptoms.empty()) facts.symptoms = split_list(value);
                break;
            case Key::history:
                if (facts.history.empty()) facts.history = split_list(value);
                break;
            case Key::medications:
                if (facts.medications.empty()) facts.medications = split_list(value);
                break;
            case Key::none:
                break;
        }
    }
    return facts;
}

namespace text {

Facts prepare(const PromptFacts& raw, bool ascii_only) {
    Facts f;
    f.name = clean(raw.name, ascii_only);
    if (raw.age) f.age = std::to_string(*raw.age);
    const std::string sex = lower_ascii(trim(raw.sex));
    if (!sex.empty()) {
        if (sex[0] == 'f' || sex[0] == 'w') f.sex = 1;
        if (sex[0] == 'm') f.sex = 2;
    }
    f.symptoms = clean_list(raw.symptoms, ascii_only);
    f.history = clean_list(raw.history, ascii_only);
    f.meds = clean_list(raw.medications, ascii_only);
    f.symptom_list = join(f.symptoms);
    f.history_list = join(f.history);
    f.med_list = join(f.meds);
    for (const auto& s : f.symptoms) {
        const std::string low = lower_ascii(s);
        for (const auto& rule : kDxRules) {
            if (low.find(rule.keyword) == std::string::npos) continue;
            for (auto dx : rule.dx) {
                if (std::find(f.dx.begin(), f.dx.end(), dx) == f.dx.end()) f.dx.push_back(dx);
            }
        }
    }
    if (f.dx.size() > 4) f.dx.resize(4);
    for (auto dx : kGenericDx) {
        if (f.dx.size() >= 3) break;
        if (std::find(f.dx.begin(), f.dx.end(), dx) == f.dx.end()) f.dx.push_back(dx);
    }
    return f;
}

}  // namespace text
}  // namespace mock_ollama
