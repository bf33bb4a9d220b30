// `validate` and `run` read a scenario with the same code, and a scenario's mock settings
// are checked by the mock's own parsers: whatever the run would have the mock refuse is
// refused when the file is loaded, at its line and column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/scenario.hpp"

namespace {

using ::testing::HasSubstr;

std::string error_of(const std::string& text) {
    try {
        harness::parse_scenario(text, "s.json");
        return "accepted";
    } catch (const harness::ScenarioError& e) {
        return e.what();
    }
}

std::string generate_with(const std::string& members) {
    return "{\"name\":\"x\",\"checks\":[\"stream.order\"],\n\"steps\":[{\"op\":\"generate\"," +
           members + "}]}";
}

TEST(ScenarioFaults, AnUnknownFaultIsRefusedWithTheMocksWords) {
    const auto e = error_of(generate_with(R"("fault":"bogus")"));
    EXPECT_THAT(e, HasSubstr("s.json:2:35: steps[0].fault: unknown fault 'bogus'"));
    EXPECT_THAT(e, HasSubstr("valid faults:"));
}

TEST(ScenarioFaults, ABadFaultParameterIsRefused) {
    EXPECT_THAT(error_of(generate_with(R"("fault":"stall:after=x")")),
                HasSubstr("after must be a non-negative integer"));
}

TEST(ScenarioFaults, KnownFaultsAreAccepted) {
    EXPECT_NO_THROW(harness::parse_scenario(generate_with(R"("fault":"stall:after=3")"), "s.json"));
}

TEST(ScenarioFaults, AStepsMockTakesOnlyWhatAMockRuleTakes) {
    // The run sends a step's pacing as a mock rule, which has neither key.
    EXPECT_THAT(error_of(generate_with(R"("mock":{"hostile_rate":0.5})")),
                HasSubstr("unknown key 'hostile_rate' in steps[0].mock"));
    EXPECT_THAT(error_of(generate_with(R"("mock":{"seed":3})")),
                HasSubstr("unknown key 'seed' in steps[0].mock"));
}

TEST(ScenarioFaults, TheScenariosMockKeepsSeedAndHostileRate) {
    const auto s = harness::parse_scenario(
        R"({"name":"x","checks":["stream.order"],"mock":{"seed":3,"hostile_rate":0.5},)"
        R"("steps":[{"op":"ping"}]})",
        "s.json");
    EXPECT_EQ(*s.mock.seed, 3u);
    EXPECT_EQ(*s.mock.hostile_rate, 0.5);
}

}  // namespace
