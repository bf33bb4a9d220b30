// "shard_by": how `run --shard` splits a scenario; anything but "scenario" or "clients" is
// refused at its place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/scenario.hpp"

namespace harness {
namespace {

using ::testing::HasSubstr;

std::string with_shard_by(const std::string& value) {
    return R"({"name": "s", "checks": ["stream.order"], "clients": 4,
  "shard_by": )" +
           value + R"(,
  "steps": [{"op": "generate"}]})";
}

std::string error_of(const std::string& text) {
    try {
        parse_scenario(text, "s.json");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

TEST(ScenarioShardBy, ClientsOrScenario) {
    EXPECT_EQ(parse_scenario(with_shard_by(R"("clients")"), "s.json").shard_by, ShardBy::clients);
    EXPECT_EQ(parse_scenario(with_shard_by(R"("scenario")"), "s.json").shard_by, ShardBy::scenario);
    const auto plain =
        parse_scenario(R"({"name":"s","checks":["stream.order"],"steps":[{"op":"ping"}]})", "s");
    EXPECT_EQ(plain.shard_by, ShardBy::scenario);
    EXPECT_EQ(plain.shard, std::nullopt);
}

TEST(ScenarioShardBy, AnythingElseIsRefusedAtItsPlace) {
    EXPECT_THAT(error_of(with_shard_by(R"("client")")),
                HasSubstr("s.json:2:15: shard_by: must be \"scenario\""));
    EXPECT_THAT(error_of(with_shard_by("1")), HasSubstr("shard_by: expected a string"));
    EXPECT_THAT(error_of(with_shard_by("null")), HasSubstr("shard_by: expected a string"));
    EXPECT_THAT(error_of(R"({"name":"s","checks":["stream.order"],"shard-by":"clients",
        "steps":[{"op":"ping"}]})"),
                HasSubstr("did you mean 'shard_by'"));
}

}  // namespace
}  // namespace harness
