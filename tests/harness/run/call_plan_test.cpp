// The mock configuration of a run: per-call faults become one rule per generate call of the
// patients that have any, in step order, matched by the patient's "Name:" prompt line.
#include "run/call_plan.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace harness {
namespace {

using nlohmann::json;

Scenario scenario(const std::string& steps, std::size_t clients = 1) {
    return parse_scenario(R"({"name":"x","checks":["stream.order"],"clients":)" +
                              std::to_string(clients) + R"(,"steps":)" + steps + "}",
                          "s.json");
}

const std::vector<std::string> kIds = {"P001", "P002"};
const std::map<std::string, std::string> kNames = {{"P001", "Ada"}, {"P002", "Bob"}};

TEST(CallPlan, OwnPatientIsTheClientsPlaceInTheFileOrACountedId) {
    EXPECT_EQ(own_patient(kIds, 0), "P001");
    EXPECT_EQ(own_patient(kIds, 3), "P002");
    EXPECT_EQ(own_patient({}, 11), "12");  // the ids mcp-server generates
    EXPECT_EQ(own_index(kIds, 3), 1u);
    EXPECT_EQ(own_index({}, 11), 11u);
}

TEST(CallPlan, PlainScenarioHasNoRules) {
    const auto config = mock_config_for(scenario(R"([{"op":"generate"}])"), 9, kIds, kNames);
    EXPECT_FALSE(config.contains("rules"));
    EXPECT_EQ(config["seed"], 9);
}

TEST(CallPlan, EveryGenerateOfAFaultedPatientGetsItsOwnRuleInStepOrder) {
    const auto config =
        mock_config_for(scenario(R"([{"op":"generate"},{"op":"generate","fault":"http_500"},
                     {"op":"generate","patient":"P002"}])"),
                        9, kIds, kNames);
    ASSERT_TRUE(config.contains("rules"));
    const json& rules = config["rules"];
    ASSERT_EQ(rules.size(), 2u);  // P001's two calls; P002 has no override
    EXPECT_EQ(rules[0]["match"], "Name: Ada\n");
    EXPECT_EQ(rules[0]["count"], 1);
    EXPECT_FALSE(rules[0].contains("fault"));
    EXPECT_EQ(rules[1]["match"], "Name: Ada\n");
    EXPECT_TRUE(rules[1].contains("fault"));
}

TEST(CallPlan, FaultedPatientWithoutANameIsRefused) {
    const auto sc = scenario(R"([{"op":"generate","patient":"P404","fault":"http_500"}])");
    try {
        mock_config_for(sc, 9, kIds, kNames);
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("patient P404 is not in the patients file"),
                  std::string::npos);
    }
}

}  // namespace
}  // namespace harness
