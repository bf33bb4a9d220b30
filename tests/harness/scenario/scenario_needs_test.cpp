// A scenario's "needs": what is accepted, and each malformed value named at its place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/scenario.hpp"

namespace {

using harness::parse_scenario;
using harness::ScenarioError;
using ::testing::HasSubstr;

// A valid scenario whose "needs" member is `needs` (JSON text).
std::string with_needs(const std::string& needs) {
    return R"({"name":"n","checks":["stream.order"],"clients":10,"needs":)" + needs +
           R"(,"steps":[{"op":"initialize"}]})";
}

std::string error_of(const std::string& needs) {
    try {
        parse_scenario(with_needs(needs), "s.json");
        return "accepted";
    } catch (const ScenarioError& e) {
        return e.what();
    }
}

TEST(ScenarioNeeds, BothFiguresAreRead) {
    const auto sc = parse_scenario(with_needs(R"({"cores": 3, "fds": 2100})"), "s.json");
    EXPECT_EQ(sc.needs.cores, 3u);
    EXPECT_EQ(sc.needs.fds, 2100u);
}

TEST(ScenarioNeeds, OneFigureAloneLeavesTheOtherUnstated) {
    const auto sc = parse_scenario(with_needs(R"({"fds": 50})"), "s.json");
    EXPECT_EQ(sc.needs.cores, 0u);
    EXPECT_EQ(sc.needs.fds, 50u);
}

TEST(ScenarioNeeds, AbsentMeansNothingStated) {
    const auto sc = parse_scenario(
        R"({"name":"n","checks":["stream.order"],"steps":[{"op":"initialize"}]})", "s.json");
    EXPECT_EQ(sc.needs.cores, 0u);
    EXPECT_EQ(sc.needs.fds, 0u);
}

TEST(ScenarioNeeds, MalformedValuesAreNamedAtTheirPlace) {
    EXPECT_THAT(error_of("4"), HasSubstr("s.json:1:"));
    EXPECT_THAT(error_of("4"), HasSubstr("needs: expected an object"));
    EXPECT_THAT(error_of("[]"), HasSubstr("needs: expected an object"));
    EXPECT_THAT(error_of("{}"), HasSubstr("needs: name \"cores\", \"fds\" or both"));
    EXPECT_THAT(error_of(R"({"cores": 0})"), HasSubstr("needs.cores: must be at least 1"));
    EXPECT_THAT(error_of(R"({"cores": -2})"),
                HasSubstr("needs.cores: expected a non-negative integer"));
    EXPECT_THAT(error_of(R"({"cores": 1.5})"),
                HasSubstr("needs.cores: expected a non-negative integer"));
    EXPECT_THAT(error_of(R"({"fds": "2100"})"),
                HasSubstr("needs.fds: expected a non-negative integer"));
    EXPECT_THAT(error_of(R"({"fds": null})"),
                HasSubstr("needs.fds: expected a non-negative integer"));
    EXPECT_THAT(error_of(R"({"cores": 18446744073709551615})"),
                HasSubstr("needs.cores: must be at most 1000000"));
    EXPECT_THAT(error_of(R"({"fds": 99999999999})"),
                HasSubstr("needs.fds: must be at most 1000000000"));
    EXPECT_THAT(error_of(R"({"cpus": 4})"),
                HasSubstr("unknown key 'cpus' in needs; did you mean 'cores'?"));
}

TEST(ScenarioNeeds, TheShippedLoadScenariosStateTheirNeeds) {
    for (const char* name : {"load_100.json", "load_1000.json"}) {
        const auto sc = harness::load_scenario(std::string(SCENARIOS_DIR) + "/load/" + name);
        EXPECT_GE(sc.needs.cores, 1u) << name;
        EXPECT_GT(sc.needs.fds, sc.clients) << name;
    }
}

}  // namespace
