#include "mock_ollama/textgen.hpp"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/rng.hpp"
#include "common/utf8.hpp"

namespace mock_ollama {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kPrompt =
    "Generate a concise medical summary for this patient.\n"
    "Name: Maria N\u00fa\u00f1ez\n"
    "Age: 54\n"
    "Gender: F\n"
    "Current symptoms: chest pain, shortness of breath\n"
    "Medical history: hypertension; type 2 diabetes\n"
    "Current medications: metformin, lisinopril\n"
    "Keep it under 200 words.";

// Same shape, ASCII only, so any non-ASCII or quote in the output was added by the generator.
constexpr std::string_view kAsciiPrompt =
    "Generate a concise medical summary for this patient.\n"
    "Name: John Smith\n"
    "Age: 61\n"
    "Gender: M\n"
    "Symptoms: headache, fatigue\n"
    "History: asthma\n"
    "Medications: salbutamol\n";

std::string concat(const std::vector<std::string>& tokens) {
    std::string out;
    for (const auto& t : tokens) out += t;
    return out;
}

std::vector<std::string> gen(std::uint64_t seed, std::size_t count, TextOptions options = {},
                             std::string_view prompt = kPrompt,
                             std::string_view model = "llama3.2") {
    return generate_tokens(seed, model, prompt, count, options);
}

TextOptions profile(TextProfile p, double rate = 0.2) {
    TextOptions o;
    o.profile = p;
    o.hostile_rate = rate;
    return o;
}

bool is_ascii(std::string_view s) {
    for (const char c : s) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

// 4-byte UTF-8 sequences: the emoji the generator uses are all outside the BMP.
bool has_astral(std::string_view s) {
    for (const char c : s) {
        if ((static_cast<unsigned char>(c) & 0xF8) == 0xF0) return true;
    }
    return false;
}

// ---------------------------------------------------------------------------------------------

TEST(TextProfile, ParsesAndPrintsEveryProfile) {
    for (const auto p : {TextProfile::clinical, TextProfile::hostile, TextProfile::plain}) {
        const auto parsed = parse_text_profile(to_string(p));
        ASSERT_TRUE(parsed.has_value()) << to_string(p);
        EXPECT_EQ(*parsed, p);
    }
    EXPECT_EQ(to_string(TextProfile::hostile), "hostile");
    EXPECT_FALSE(parse_text_profile("Clinical").has_value());
    EXPECT_FALSE(parse_text_profile("").has_value());
}

TEST(GenerateTokens, SameInputsGiveSameTokens) {
    for (const auto p : {TextProfile::clinical, TextProfile::hostile, TextProfile::plain}) {
        EXPECT_EQ(gen(7, 300, profile(p)), gen(7, 300, profile(p))) << to_string(p);
    }
}

TEST(GenerateTokens, SeedPromptAndModelEachChangeTheText) {
    const auto base = gen(1, 200);
    EXPECT_NE(base, gen(2, 200));
    EXPECT_NE(base, gen(1, 200, {}, kAsciiPrompt));
    EXPECT_NE(base, gen(1, 200, {}, std::string(kPrompt) + " "));
    EXPECT_NE(base, gen(1, 200, {}, kPrompt, "mistral"));
}

TEST(GenerateTokens, UntaggedModelIsTheLatestTag) {
    EXPECT_EQ(gen(3, 100, {}, kPrompt, "phi"), gen(3, 100, {}, kPrompt, "phi:latest"));
    EXPECT_NE(gen(3, 100, {}, kPrompt, "phi"), gen(3, 100, {}, kPrompt, "phi:2.7b"));
}

TEST(GenerateTokens, ReturnsExactlyCountTokens) {
    for (const std::size_t n : {0u, 1u, 2u, 7u, 200u, 1000u, 5000u}) {
        EXPECT_EQ(gen(5, n).size(), n);
        EXPECT_EQ(gen(5, n, profile(TextProfile::hostile)).size(), n);
    }
    EXPECT_THAT(gen(5, 0), IsEmpty());
}

TEST(GenerateTokens, ShorterRequestIsAPrefixOfALongerOne) {
    const auto longer = gen(11, 500);
    const auto shorter = gen(11, 120);
    EXPECT_EQ(shorter, std::vector<std::string>(longer.begin(), longer.begin() + 120));
}

TEST(GenerateTokens, TokensAreNonEmptyValidUtf8AndFirstHasNoLeadingSpace) {
    for (const auto p : {TextProfile::clinical, TextProfile::hostile, TextProfile::plain}) {
        for (std::uint64_t seed = 0; seed < 20; ++seed) {
            const auto tokens = gen(seed, 400, profile(p));
            ASSERT_FALSE(tokens.empty());
            EXPECT_NE(tokens.front().front(), ' ') << "seed " << seed;
            for (const auto& t : tokens) {
                EXPECT_FALSE(t.empty()) << "seed " << seed;
                EXPECT_TRUE(common::utf8::valid(t)) << "seed " << seed << " token [" << t << "]";
            }
        }
    }
}

// The concatenation is the text: tokenising it again gives back the same tokens.
TEST(GenerateTokens, ConcatenationRetokenisesToTheSameTokens) {
    for (const auto p : {TextProfile::clinical, TextProfile::hostile, TextProfile::plain}) {
        for (std::uint64_t seed = 0; seed < 10; ++seed) {
            auto tokens = gen(seed, 600, profile(p));
            // Cut after the last full stop so no word is truncated mid-way.
            while (!tokens.empty() && tokens.back() != ".") tokens.pop_back();
            ASSERT_FALSE(tokens.empty());
            std::vector<std::string> again;
            tokenize_into(concat(tokens), again);
            EXPECT_EQ(again, tokens) << to_string(p) << " seed " << seed;
        }
    }
}

TEST(GenerateTokens, TokensLookLikeAnLlmsWordPieces) {
    const auto tokens = gen(9, 1000);
    std::size_t with_space = 0;
    std::size_t newlines = 0;
    std::size_t punctuation = 0;
    for (const auto& t : tokens) {
        if (t.size() > 1 && t[0] == ' ') ++with_space;
        if (t == "\n") ++newlines;
        if (t == "." || t == ",") ++punctuation;
        EXPECT_LE(common::utf8::code_points(t), 8u) << "[" << t << "]";
    }
    EXPECT_GT(with_space, tokens.size() / 2);
    EXPECT_GT(newlines, 0u);
    EXPECT_GT(punctuation, 10u);
}

TEST(GenerateTokens, UsesNameAndSymptomsFromThePrompt) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        const std::string text = concat(gen(seed, 200));
        EXPECT_THAT(text, HasSubstr("Maria N\u00fa\u00f1ez")) << "seed " << seed;
        EXPECT_THAT(text, HasSubstr("chest pain")) << "seed " << seed;
    }
    EXPECT_THAT(concat(gen(1, 300, {}, kAsciiPrompt)), HasSubstr("John Smith"));
}

TEST(GenerateTokens, WithoutFactsUsesGenericWording) {
    const std::string text = concat(gen(4, 200, {}, "Say something about health."));
    EXPECT_THAT(text, HasSubstr("The patient"));
    EXPECT_THAT(text, HasSubstr("nonspecific complaints"));
}

TEST(GenerateTokens, ClinicalDefaultRateSometimesAddsHostileCharacters) {
    int hostile = 0;
    const int seeds = 50;
    for (std::uint64_t seed = 0; seed < seeds; ++seed) {
        const std::string text = concat(gen(seed, 200, {}, kAsciiPrompt));
        if (text.find('"') != std::string::npos || !is_ascii(text)) ++hostile;
    }
    EXPECT_GT(hostile, 0);
    EXPECT_LT(hostile, seeds);  // 0.2 per sentence is not "always"
}

// Each hostile addition carries exactly one emoji, before a sentence's full stop.
TEST(GenerateTokens, HostileRateIsPerSentence) {
    std::size_t emoji = 0;
    std::size_t sentences = 0;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        const auto tokens = gen(seed, 2000, {}, kAsciiPrompt);
        for (std::size_t k = 0; k < tokens.size(); ++k) {
            if (has_astral(tokens[k])) ++emoji;
            if (tokens[k] == "." && k > 0 && tokens[k - 1] != " Dr") ++sentences;
        }
    }
    const double ratio = static_cast<double>(emoji) / static_cast<double>(sentences);
    EXPECT_GT(ratio, 0.08);
    EXPECT_LT(ratio, 0.3);
}

TEST(GenerateTokens, ZeroRateClinicalHasNoHostileCharacters) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        const std::string text =
            concat(gen(seed, 1000, profile(TextProfile::clinical, 0.0), kAsciiPrompt));
        EXPECT_TRUE(is_ascii(text)) << "seed " << seed;
        EXPECT_EQ(text.find('"'), std::string::npos) << "seed " << seed;
    }
}

TEST(GenerateTokens, RateIsClampedToZeroAndOne) {
    const auto clinical = [](double rate) { return profile(TextProfile::clinical, rate); };
    EXPECT_EQ(gen(6, 300, clinical(5.0)), gen(6, 300, clinical(1.0)));
    EXPECT_EQ(gen(6, 300, clinical(-1.0)), gen(6, 300, clinical(0.0)));
    EXPECT_NE(gen(6, 300, clinical(1.0)), gen(6, 300, clinical(0.0)));
}

TEST(GenerateTokens, HostileProfileStartsWithFormulaCharAndBreaksNaiveCode) {
    for (const auto prompt : {kPrompt, kAsciiPrompt, std::string_view("hi")}) {
        for (std::uint64_t seed = 0; seed < 20; ++seed) {
            // The rate is ignored: hostile means every sentence.
            const auto tokens = gen(seed, 200, profile(TextProfile::hostile, 0.0), prompt);
            const std::string text = concat(tokens);
            ASSERT_FALSE(text.empty());
            EXPECT_TRUE(text[0] == '=' || text[0] == '@') << text.substr(0, 20);
            EXPECT_NE(text.find('"'), std::string::npos) << "seed " << seed;
            EXPECT_NE(text.find(','), std::string::npos) << "seed " << seed;
            EXPECT_NE(text.find('\n'), std::string::npos) << "seed " << seed;
            EXPECT_FALSE(is_ascii(text)) << "seed " << seed;
            EXPECT_TRUE(has_astral(text)) << "seed " << seed;
        }
    }
}

TEST(GenerateTokens, HostileProfileUsesBothFormulaCharacters) {
    bool equals = false;
    bool at = false;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        const auto first = gen(seed, 1, profile(TextProfile::hostile)).front();
        equals = equals || first == "=";
        at = at || first == "@";
    }
    EXPECT_TRUE(equals);
    EXPECT_TRUE(at);
}

TEST(GenerateTokens, PlainProfileIsAsciiOnly) {
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        const std::string text = concat(gen(seed, 1000, profile(TextProfile::plain, 1.0)));
        EXPECT_TRUE(is_ascii(text)) << "seed " << seed;
        EXPECT_EQ(text.find('"'), std::string::npos) << "seed " << seed;
        EXPECT_THAT(text, HasSubstr("Maria Nunez")) << "seed " << seed;
    }
}

TEST(GenerateTokens, PlainProfileFoldsLatinLettersAndDropsTheRest) {
    const std::string text =
        concat(gen(1, 40, profile(TextProfile::plain),
                   "Name: \u0141ukasz \u017b\u00f3\u0142\u0107 Stra\u00dfe \u674e\U0001F48A\n"));
    EXPECT_THAT(text, HasSubstr("Lukasz Zolc Strasse"));
    EXPECT_TRUE(is_ascii(text));
}

TEST(GenerateTokens, ControlCharactersAndBrokenUtf8InThePromptDoNotLeak) {
    const std::string prompt = "Name: Ann\x01 \xC3 Lee\t\xF0\x9F\nSymptoms: cough\r\n";
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
        for (const auto& t : gen(seed, 200, {}, prompt)) {
            EXPECT_TRUE(common::utf8::valid(t)) << "[" << t << "]";
            EXPECT_EQ(t.find_first_of("\x01\t\r"), std::string::npos) << "[" << t << "]";
        }
        EXPECT_THAT(concat(gen(seed, 200, {}, prompt)), HasSubstr("Ann Lee"));
    }
}

TEST(GenerateTokens, ArbitraryPromptBytesStillGiveValidTokens) {
    common::Rng rng(99);
    for (int round = 0; round < 200; ++round) {
        std::string prompt = "Name: ";
        for (int k = 0; k < 40; ++k) prompt.push_back(static_cast<char>(rng.below(256)));
        prompt += "\nSymptoms: ";
        for (int k = 0; k < 40; ++k) prompt.push_back(static_cast<char>(rng.below(256)));
        const auto tokens = gen(static_cast<std::uint64_t>(round), 150, {}, prompt);
        ASSERT_EQ(tokens.size(), 150u);
        for (const auto& t : tokens) {
            ASSERT_FALSE(t.empty()) << "round " << round;
            ASSERT_TRUE(common::utf8::valid(t)) << "round " << round << " [" << t << "]";
        }
    }
}

// Pinned once; a change here means every recorded expectation downstream changes too.
TEST(GenerateTokens, GoldenFirstTokens) {
    const auto tokens = gen(42, 8);
    EXPECT_THAT(tokens,
                ElementsAre("Summary", ":", " Maria", " N\u00fa\u00f1ez", " (", "age", " 54", ")"));
}

// ---------------------------------------------------------------------------------------------

TEST(Tokenize, SplitsLikeAnLlm) {
    std::vector<std::string> tokens;
    tokenize_into("Hello world, hypertension 2024 \u00b5g \U0001FA7A\nit's 37.5", tokens);
    EXPECT_THAT(tokens, ElementsAre("Hello", " world", ",", " hype", "rten", "sion", " 202", "4",
                                    " \u00b5g", " \U0001FA7A", "\n", "it", "'s", " 37", ".", "5"));
}

TEST(Tokenize, LongWordsBecomeTwoOrThreePiecesWithoutSplittingCharacters) {
    std::vector<std::string> tokens;
    tokenize_into(" \u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9", tokens);  // 9 x é
    EXPECT_THAT(tokens, ElementsAre(" \u00e9\u00e9\u00e9\u00e9", "\u00e9\u00e9\u00e9\u00e9\u00e9"));

    tokens.clear();
    tokenize_into("abcdefghijklmn", tokens);  // 14 letters
    EXPECT_THAT(tokens, ElementsAre("abcd", "efghi", "jklmn"));
}

TEST(Tokenize, RepeatedSpacesAndStrayBytesAreKept) {
    std::vector<std::string> tokens;
    const std::string text = "a  b \n\xC3 c ";
    tokenize_into(text, tokens);
    EXPECT_THAT(tokens, ElementsAre("a", " ", " b", " ", "\n", "\xC3", " c", " "));
    EXPECT_EQ(concat(tokens), text);
}

// ---------------------------------------------------------------------------------------------

TEST(ExtractFacts, ReadsTheServersPromptShape) {
    const PromptFacts f = extract_facts(kPrompt);
    EXPECT_EQ(f.name, "Maria N\u00fa\u00f1ez");
    ASSERT_TRUE(f.age.has_value());
    EXPECT_EQ(*f.age, 54);
    EXPECT_EQ(f.sex, "F");
    EXPECT_THAT(f.symptoms, ElementsAre("chest pain", "shortness of breath"));
    EXPECT_THAT(f.history, ElementsAre("hypertension", "type 2 diabetes"));
    EXPECT_THAT(f.medications, ElementsAre("metformin", "lisinopril"));
}

TEST(ExtractFacts, KeysAreCaseInsensitiveAndHaveAliases) {
    const PromptFacts f = extract_facts(
        "NAME: Li Wei\nage: 33 years\nSYMPTOMS: cough ; fever,\nhistory: asthma\n"
        "medications: salbutamol\n");
    EXPECT_EQ(f.name, "Li Wei");
    EXPECT_EQ(f.age, 33);
    EXPECT_THAT(f.symptoms, ElementsAre("cough", "fever"));
    EXPECT_THAT(f.history, ElementsAre("asthma"));
    EXPECT_THAT(f.medications, ElementsAre("salbutamol"));
}

TEST(ExtractFacts, AcceptsMarkdownDecorationAndCrlf) {
    const PromptFacts f =
        extract_facts("- **Name:** Jane Doe\r\n* Current Symptoms: nausea.\r\n## Age: 70\r\n");
    EXPECT_EQ(f.name, "Jane Doe");
    EXPECT_EQ(f.age, 70);
    EXPECT_THAT(f.symptoms, ElementsAre("nausea"));
}

TEST(ExtractFacts, FirstOccurrenceWins) {
    const PromptFacts f = extract_facts("Name: First\nName: Second\nAge: 40\nAge: 50\n");
    EXPECT_EQ(f.name, "First");
    EXPECT_EQ(f.age, 40);
}

TEST(ExtractFacts, PlaceholderValuesCountAsMissing) {
    const PromptFacts f =
        extract_facts("Name: Unknown\nAge: unknown\nMedications: none\nHistory: N/A\n");
    EXPECT_EQ(f.name, "");
    EXPECT_FALSE(f.age.has_value());
    EXPECT_THAT(f.medications, IsEmpty());
    EXPECT_THAT(f.history, IsEmpty());
}

TEST(ExtractFacts, RejectsImplausibleAges) {
    EXPECT_FALSE(extract_facts("Age: 151").age.has_value());
    EXPECT_FALSE(extract_facts("Age: 1234").age.has_value());
    EXPECT_FALSE(extract_facts("Age: -3").age.has_value());
    EXPECT_EQ(extract_facts("Age: 0").age, 0);
}

TEST(ExtractFacts, NothingFoundInFreeText) {
    const PromptFacts f = extract_facts("Summarise: the weather is nice today.");
    EXPECT_EQ(f.name, "");
    EXPECT_FALSE(f.age.has_value());
    EXPECT_THAT(f.symptoms, IsEmpty());
    EXPECT_THAT(f.medications, IsEmpty());
    EXPECT_THAT(f.history, IsEmpty());
    EXPECT_EQ(f.sex, "");
}

}  // namespace
}  // namespace mock_ollama
