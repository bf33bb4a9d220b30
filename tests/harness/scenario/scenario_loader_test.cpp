// Scenario files: what is accepted, and that every mistake is named with file, line, column.
#include "harness/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using harness::parse_scenario;
using harness::ScenarioError;
using ::testing::HasSubstr;

std::string error_of(const std::string& text) {
    try {
        parse_scenario(text, "s.json");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << text;
    return {};
}

constexpr const char* kGood = R"({
  "name": "demo",
  "checks": ["stream.order", "csv.integrity"],
  "mock": {"tps": 20, "tokens": 30, "profile": "hostile"},
  "server": {"ollama_timeout_s": 120},
  "clients": 3,
  "form": "progress",
  "steps": [
    {"op": "initialize"},
    {"op": "generate", "as": "g", "save": true, "fault": "stall:after=3", "patient": "+2",
     "expect": "tool_error", "expect_text": "sent nothing"},
    {"op": "cancel", "call": "g", "after_tokens": 2},
    {"op": "parallel", "steps": [{"op": "ping"}, {"op": "get", "patient": "P007"}]},
    {"op": "raw", "frame": "{bad", "expect_code": -32700}
  ]
})";

TEST(ScenarioLoader, ReadsEveryPart) {
    const auto s = parse_scenario(kGood, "s.json");
    EXPECT_EQ(s.name, "demo");
    EXPECT_EQ(s.checks.size(), 2u);
    EXPECT_EQ(*s.mock.tps, 20.0);
    EXPECT_EQ(*s.mock.profile, "hostile");
    EXPECT_EQ(*s.server.ollama_timeout_s, 120.0);
    EXPECT_EQ(s.clients, 3u);
    EXPECT_EQ(s.form, harness::StreamForm::progress);
    ASSERT_EQ(s.steps.size(), 5u);
    EXPECT_EQ(s.steps[1].kind, harness::StepKind::generate);
    EXPECT_EQ(s.steps[1].expect, harness::Expect::tool_error);
    EXPECT_EQ(s.steps[1].patient, "+2");
    EXPECT_EQ(s.steps[2].after_tokens, 2u);
    EXPECT_EQ(s.steps[3].steps.size(), 2u);
    EXPECT_EQ(s.steps[4].expect, harness::Expect::protocol_error) << "raw expects an error";
    EXPECT_EQ(*s.steps[4].expect_code, -32700);
}

TEST(ScenarioLoader, UnknownKeyNamesTheNearestValidOneAndWhereItIs) {
    const auto e = error_of(
        "{\n  \"name\": \"x\",\n  \"checks\": [\"stream.order\"],\n  \"mock\": {\"tokns\": 3},\n"
        "  \"steps\": [{\"op\": \"ping\"}]\n}");
    EXPECT_THAT(e, HasSubstr("s.json:4:12: unknown key 'tokns' in mock; did you mean 'tokens'?"));
}

TEST(ScenarioLoader, UnknownOpAndCheckSuggestTheNearest) {
    EXPECT_THAT(error_of(R"({"name":"x","checks":["stream.order"],"steps":[{"op":"generat"}]})"),
                HasSubstr("unknown op 'generat' in steps[0]; did you mean 'generate'?"));
    EXPECT_THAT(error_of(R"({"name":"x","checks":["stream.ordr"],"steps":[{"op":"ping"}]})"),
                HasSubstr("unknown check 'stream.ordr'; did you mean 'stream.order'?"));
}

TEST(ScenarioLoader, InvalidJsonGivesLineAndColumn) {
    EXPECT_THAT(error_of("{\n  \"name\": \"x\",\n  \"checks\": [\n}"),
                HasSubstr("s.json:4:1: invalid JSON"));
}

TEST(ScenarioLoader, EveryTruncationOfAGoodFileIsAClearErrorNeverAHang) {
    // The locator walks broken text too (it once looped forever on a stray '}').
    const std::string good = kGood;
    for (std::size_t n = 0; n < good.size(); ++n) {
        const std::string cut = good.substr(0, n) + (n % 2 ? "}" : "");
        if (cut == good) continue;  // the cut only took the closing brace, which came back
        try {
            parse_scenario(cut, "s.json");
            ADD_FAILURE() << "accepted a truncated file of " << n << " bytes";
        } catch (const ScenarioError& e) {
            EXPECT_THAT(e.what(), HasSubstr("s.json:")) << n;
        }
    }
}

TEST(ScenarioLoader, WrongTypesAndMissingPartsAreNamed) {
    EXPECT_THAT(
        error_of(
            R"({"name":"x","checks":["stream.order"],"clients":"two","steps":[{"op":"ping"}]})"),
        HasSubstr("clients: expected a non-negative integer"));
    EXPECT_THAT(error_of(R"({"name":"x","checks":[],"steps":[{"op":"ping"}]})"),
                HasSubstr("\"checks\" must be a non-empty array"));
    EXPECT_THAT(error_of(R"({"name":"x","checks":["stream.order"],"steps":[{"op":"update"}]})"),
                HasSubstr("steps[0]: update needs \"summary\""));
    EXPECT_THAT(
        error_of(
            R"({"name":"x","checks":["stream.order"],"steps":[{"op":"cancel","call":"nope"}]})"),
        HasSubstr("cancel names call 'nope', but no earlier generate step has \"as\": \"nope\""));
    EXPECT_THAT(
        error_of(
            R"({"name":"x","checks":["stream.order"],"steps":[{"op":"generate","form":"sse"}]})"),
        HasSubstr("steps[0].form: must be \"legacy\""));
    EXPECT_THAT(error_of(R"({"checks":["stream.order"],"steps":[{"op":"ping"}]})"),
                HasSubstr("missing \"name\""));
}

TEST(ScenarioLoader, PatientSpecsResolve) {
    const std::vector<std::string> ids = {"P001", "P002", "P003"};
    EXPECT_EQ(harness::resolve_patient("", 1, ids, "P002"), "P002");
    EXPECT_EQ(harness::resolve_patient("+1", 1, ids, "P002"), "P003");
    EXPECT_EQ(harness::resolve_patient("+2", 2, ids, "P003"), "P002") << "wraps around";
    EXPECT_EQ(harness::resolve_patient("P099", 0, ids, "P001"), "P099");
}

}  // namespace
