// The step kinds table: every StepKind has one row, each op names its kind and back, and a
// scenario step takes exactly the keys of its row.
#include "scenario/step_kinds.hpp"

#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using harness::StepKind;
using ::testing::HasSubstr;

TEST(StepKinds, EveryKindHasOneRowAndItsOpRoundTrips) {
    const auto& table = harness::step_kinds();
    // The enum's last value is parallel: every value up to it has a row, and no other row.
    ASSERT_EQ(table.size(), static_cast<std::size_t>(StepKind::parallel) + 1);
    std::set<std::string_view> ops;
    for (std::size_t i = 0; i < table.size(); ++i) {
        const auto kind = static_cast<StepKind>(i);
        const std::string_view op = harness::to_string(kind);
        EXPECT_NE(op, "?") << "no row for StepKind " << i;
        EXPECT_TRUE(ops.insert(op).second) << "op twice: " << op;
        const auto* row = harness::step_kind_of(op);
        ASSERT_NE(row, nullptr) << op;
        EXPECT_EQ(row->kind, kind) << op;
        EXPECT_EQ(harness::step_ops()[i], op);
    }
}

TEST(StepKinds, UnknownOpsHaveNoRow) {
    EXPECT_EQ(harness::step_kind_of(""), nullptr);
    EXPECT_EQ(harness::step_kind_of("Generate"), nullptr);
    EXPECT_EQ(harness::step_kind_of("generate "), nullptr);
    EXPECT_EQ(harness::to_string(static_cast<StepKind>(99)), "?");
}

std::string error_of(const std::string& step) {
    const std::string text =
        R"({"name": "k", "checks": ["errors.clear"], "steps": [)" + step + "]}";
    try {
        harness::parse_scenario(text, "s.json");
    } catch (const harness::ScenarioError& e) {
        return e.what();
    }
    return {};
}

TEST(StepKinds, AStepTakesTheKeysOfItsRowAndNoOther) {
    EXPECT_EQ(error_of(R"({"op": "wait", "ms": 5})"), "");
    // Past the keys of its row: a cancel of no earlier call is refused for that, not its keys.
    EXPECT_THAT(error_of(R"({"op": "cancel", "call": "a", "after_tokens": 1})"),
                HasSubstr("cancel names call 'a', but no earlier generate step"));
    EXPECT_THAT(error_of(R"({"op": "wait", "keyword": "x"})"),
                HasSubstr("unknown key 'keyword' in steps[0]; did you mean 'op'? (valid: op, "
                          "expect, expect_code, expect_text, ms)"));
    EXPECT_THAT(error_of(R"({"op": "genrate"})"),
                HasSubstr("unknown op 'genrate' in steps[0]; did you mean 'generate'?"));
}

}  // namespace
