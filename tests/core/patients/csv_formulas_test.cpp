// The CSV-injection policy: which summaries look like formulas, and what each policy does.
#include "core/csv_formulas.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using namespace core;
using ::testing::HasSubstr;

TEST(CsvFormulas, OwaspLeadingCharactersLookLikeFormulas) {
    for (const std::string s : {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"}) {
        EXPECT_TRUE(looks_like_formula(s)) << s;
    }
    for (const std::string s : {"", "a=1", " =1", "'=1", "Patient stable."}) {
        EXPECT_FALSE(looks_like_formula(s)) << s;
    }
}

TEST(CsvFormulas, KeepStoresExactly) {
    std::string s = "=HYPERLINK(\"x\")";
    EXPECT_EQ(apply_formula_policy(FormulaPolicy::keep, s), std::nullopt);
    EXPECT_EQ(s, "=HYPERLINK(\"x\")");
}

TEST(CsvFormulas, EscapePrefixesAnApostropheOnlyToFormulas) {
    std::string formula = "-2+3", text = "fine";
    EXPECT_EQ(apply_formula_policy(FormulaPolicy::escape, formula), std::nullopt);
    EXPECT_EQ(apply_formula_policy(FormulaPolicy::escape, text), std::nullopt);
    EXPECT_EQ(formula, "'-2+3");
    EXPECT_EQ(text, "fine");
}

TEST(CsvFormulas, RefuseSaysWhyAndLeavesTheTextAlone) {
    std::string s = "\t=1";
    const auto why = apply_formula_policy(FormulaPolicy::refuse, s);
    ASSERT_TRUE(why);
    EXPECT_THAT(*why, HasSubstr("'\\t'"));
    EXPECT_THAT(*why, HasSubstr("--csv-formulas"));
    EXPECT_EQ(s, "\t=1");
    std::string ok = "ok";
    EXPECT_EQ(apply_formula_policy(FormulaPolicy::refuse, ok), std::nullopt);
}

TEST(CsvFormulas, PolicyNamesRoundTrip) {
    for (auto p : {FormulaPolicy::keep, FormulaPolicy::escape, FormulaPolicy::refuse}) {
        EXPECT_EQ(parse_formula_policy(to_string(p)), p);
    }
    EXPECT_EQ(parse_formula_policy("Keep"), std::nullopt);
}

}  // namespace
