#pragma once
// The generator's vocabulary. Everything here is ASCII except the hostile additions, so the
// `plain` profile stays ASCII.
#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include "common/rng.hpp"

namespace mock_ollama::text {

template <typename T, std::size_t N>
const T& pick(common::Rng& rng, const std::array<T, N>& a) {
    return a[rng.below(N)];
}

template <typename T>
const T& pick(common::Rng& rng, const std::vector<T>& v) {
    return v[rng.below(v.size())];
}

constexpr std::array<std::string_view, 4> kHeadings{
    "Assessment: ", "Summary: ", "Clinical summary: ", ""};
constexpr std::array<std::string_view, 6> kQualities{"intermittent",     "progressive",
                                                     "mild to moderate", "worse with exertion",
                                                     "relieved by rest", "constant"};
constexpr std::array<std::string_view, 4> kCourses{"gradually worsening", "stable", "fluctuating",
                                                   "slowly improving"};
constexpr std::array<std::string_view, 4> kDenials{
    "fever, syncope or palpitations", "recent travel or trauma", "weight loss or night sweats",
    "nausea, vomiting or diarrhea"};
constexpr std::array<std::string_view, 9> kTests{
    "an ECG",        "a complete blood count", "a basic metabolic panel",
    "troponin",      "a chest X-ray",          "an HbA1c",
    "a lipid panel", "a urinalysis",           "thyroid function tests"};
constexpr std::array<std::string_view, 4> kPlanHeadings{"Plan", "Recommendations", "Next steps",
                                                        "Follow-up"};
constexpr std::array<std::string_view, 3> kAssessmentHeadings{"Assessment", "Impression",
                                                              "Key concerns"};
constexpr std::array<std::string_view, 5> kGenericDx{"a viral illness", "medication side effects",
                                                     "anxiety", "deconditioning",
                                                     "an electrolyte disturbance"};

struct DxRule {
    std::string_view keyword;
    std::array<std::string_view, 3> dx;
};
constexpr std::array<DxRule, 15> kDxRules{{
    {"chest", {"acute coronary syndrome", "stable angina", "pulmonary embolism"}},
    {"breath", {"heart failure", "pneumonia", "a COPD exacerbation"}},
    {"cough", {"acute bronchitis", "pneumonia", "asthma"}},
    {"fever", {"a viral infection", "a urinary tract infection", "pneumonia"}},
    {"headache", {"tension-type headache", "migraine", "hypertensive urgency"}},
    {"fatigue", {"anemia", "hypothyroidism", "depression"}},
    {"dizz", {"orthostatic hypotension", "vestibular neuritis", "an arrhythmia"}},
    {"abdominal", {"gastritis", "cholecystitis", "appendicitis"}},
    {"nausea", {"gastroenteritis", "medication side effects", "gastritis"}},
    {"palpitation", {"atrial fibrillation", "thyrotoxicosis", "anxiety"}},
    {"rash", {"contact dermatitis", "a drug reaction", "a viral exanthem"}},
    {"thirst", {"hyperglycemia", "diabetes insipidus", "dehydration"}},
    {"joint", {"osteoarthritis", "gout", "rheumatoid arthritis"}},
    {"back", {"musculoskeletal strain", "lumbar radiculopathy", "renal colic"}},
    {"swelling", {"heart failure", "deep vein thrombosis", "venous insufficiency"}},
}};

// The characters that break naive CSV/JSON code: quotes, commas, a line break, non-ASCII
// letters and single-code-point emoji. Every hostile addition carries all of them.
constexpr std::array<std::string_view, 6> kQuotes{
    "pressure-like",  "like a band around my chest", "not myself lately",
    "worse at night", "it comes and goes",           "sharp, then dull"};
constexpr std::array<std::string_view, 6> kPeople{"M\u00fcller",   "Pe\u00f1a",
                                                  "Gro\u00dfmann", "N\u00fa\u00f1ez",
                                                  "\u00d8degaard", "J\u00fcrgens"};
constexpr std::array<std::string_view, 5> kEponyms{
    "M\u00e9ni\u00e8re's disease", "Sj\u00f6gren's syndrome", "Beh\u00e7et's disease",
    "Guillain-Barr\u00e9 syndrome", "Waldenstr\u00f6m's macroglobulinemia"};
constexpr std::array<std::string_view, 4> kEmoji{"\U0001FA7A", "\U0001F48A", "\U0001F4CB",
                                                 "\U0001FAC0"};

}  // namespace mock_ollama::text
