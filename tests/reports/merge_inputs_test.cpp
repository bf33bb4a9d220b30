// merge_runs refuses inputs that are not the parts of one run, naming the input (its dir) and
// the field: a duplicate, missing or foreign shard, mismatched options, a malformed
// extra.shard, a partition the shards did not follow.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "merge_support.hpp"
#include "reports/merge.hpp"

namespace {

using namespace reports_test;
using ::testing::HasSubstr;

std::string refusal(std::vector<reports::MergeInput> in) {
    try {
        reports::merge_runs(std::move(in));
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(merged)";
}

TEST(MergeInputs, NothingToMerge) {
    EXPECT_EQ(refusal({}), "no report to merge");
}

TEST(MergeInputs, ADuplicateShardNamesBothFolders) {
    auto in = shards(3, 6);
    in[2] = shard(2, 3, 6);
    in[2].dir = "again";
    EXPECT_EQ(refusal(std::move(in)),
              "again: options.shard: shard 2/3 is also shard-2: each shard once");
}

TEST(MergeInputs, AMissingShardIsNamed) {
    auto in = shards(4, 8);
    in.erase(in.begin() + 2);
    EXPECT_EQ(refusal(std::move(in)),
              "shard(s) 3 of 4 missing: give every shard's report folder (got 3)");
}

TEST(MergeInputs, ShardsOfDifferentCounts) {
    auto in = shards(2, 4);
    in.push_back(shard(3, 3, 4));
    in[2].dir = "other";
    EXPECT_EQ(refusal(std::move(in)), "other: options.shard: 3/3 but shard-1 is one of 2 shards");
}

TEST(MergeInputs, MismatchedSeedTimeScaleOrVersion) {
    auto seed = shards(2, 4);
    seed[1].report.options["seed"] = 8;
    EXPECT_EQ(refusal(std::move(seed)),
              "shard-2: options.seed: 8 but shard-1 has 7: not parts of one run");
    auto scale = shards(2, 4);
    scale[0].report.options.erase("time_scale");
    EXPECT_THAT(refusal(std::move(scale)), HasSubstr("shard-2: options.time_scale: 0.1 but"));
    auto version = shards(2, 4);
    version[1].report.tool_version = "1.0.0";
    EXPECT_EQ(refusal(std::move(version)),
              "shard-2: tool_version: \"1.0.0\" but shard-1 has \"0.9.0\"");
}

TEST(MergeInputs, ShardsAndUnshardedRunsDoNotMix) {
    auto in = shards(2, 4);
    in[1].report.options.erase("shard");
    EXPECT_THAT(refusal(std::move(in)), HasSubstr("shard-2: options.shard: missing"));
}

TEST(MergeInputs, BadShardSpellings) {
    for (const char* bad :
         {"0/2", "3/2", "1/", "/2", "a/2", "1/2x", "+1/2", "1 /2", "1/0", "1/9999999", "12"}) {
        auto in = shards(2, 4);
        in[0].report.options["shard"] = bad;
        EXPECT_THAT(refusal(std::move(in)), HasSubstr(std::string("shard-1: options.shard: \"") +
                                                      bad + "\" is not I/N with 1 <= I <= N"))
            << bad;
    }
    auto number = shards(2, 4);
    number[0].report.options["shard"] = 1;
    EXPECT_THAT(refusal(std::move(number)), HasSubstr("shard-1: options.shard: expected a string"));
}

TEST(MergeInputs, AMergedReportIsNotAShard) {
    auto in = shards(2, 4);
    in[0].report.options["shard"] = "merged 2";
    EXPECT_THAT(refusal(std::move(in)), HasSubstr("already a merged report"));
}

TEST(MergeInputs, AScenarioThatSaysItIsAnotherShard) {
    auto in = shards(2, 4);
    in[1].report.scenarios[0].extra["shard"]["index"] = 1;
    EXPECT_EQ(refusal(std::move(in)),
              "shard-2: scenarios[load].extra.shard.index: 1/2 but the report is shard 2/2");
}

TEST(MergeInputs, MalformedExtraShardFields) {
    const std::vector<std::pair<std::string, nlohmann::json>> cases = {
        {"scenarios[load].extra.shard: expected an object", "x"},
        {"scenarios[load].extra.shard.window.start_wall_us: expected an integer",
         {{"index", 1}, {"count", 2}, {"window", {{"start_wall_us", "0"}, {"end_wall_us", 1}}}}},
        {"scenarios[load].extra.shard.window: ends before it starts",
         {{"index", 1}, {"count", 2}, {"window", {{"start_wall_us", 5}, {"end_wall_us", 1}}}}},
        {"scenarios[load].extra.shard.clock.offset_us: expected a number",
         {{"index", 1}, {"count", 2}, {"clock", {{"uncertainty_us", 1}}}}},
        {"scenarios[load].extra.shard.clock.uncertainty_us: negative",
         {{"index", 1}, {"count", 2}, {"clock", {{"offset_us", 1}, {"uncertainty_us", -1}}}}},
        {"scenarios[load].extra.shard.by: \"rows\": expected \"clients\" or \"scenario\"",
         {{"index", 1}, {"count", 2}, {"by", "rows"}}},
        {"scenarios[load].extra.shard.clients: expected a non-negative integer",
         {{"index", 1}, {"count", 2}, {"clients", -3}}},
        {"scenarios[load].extra.shard.tokens: expected a number",
         {{"index", 1}, {"count", 2}, {"tokens", "many"}}},
        {"scenarios[load].extra.shard.count: missing", {{"index", 1}}},
    };
    for (const auto& [why, value] : cases) {
        auto in = shards(2, 4);
        in[0].report.scenarios[0].extra["shard"] = value;
        EXPECT_EQ(refusal(std::move(in)), "shard-1: " + why) << value.dump();
    }
}

TEST(MergeInputs, AScenarioSplitByClientsMustBeInEveryShard) {
    auto in = shards(3, 6);
    in[1].report.scenarios.clear();
    EXPECT_EQ(refusal(std::move(in)),
              "shard-2: scenarios[load]: missing, but the scenario is split by clients over every "
              "shard (shard 2/3 must run it once)");
}

TEST(MergeInputs, AScenarioRunWholeMustBeInOneShard) {
    auto in = shards(2, 4);
    for (auto& r : in) r.report.scenarios[0].extra["shard"]["by"] = "scenario";
    EXPECT_EQ(refusal(std::move(in)),
              "shard-2: scenarios[load].extra.shard.by: \"scenario\" (run whole by one shard), "
              "but shard-1 ran it too");
}

TEST(MergeInputs, AShardWithNothingToRunIsAccepted) {
    auto in = shards(3, 2);  // clients 0 and 1: shard 3 gets none
    in[2].report.scenarios.clear();
    for (auto& r : in) {
        for (auto& s : r.report.scenarios) s.extra["shard"]["by"] = "scenario";
    }
    in[1].report.scenarios[0].name = "other";
    const auto merged = reports::merge_runs(std::move(in));
    EXPECT_EQ(merged.scenarios.size(), 2u);
    EXPECT_EQ(merged.options["merged_from"], nlohmann::json({"shard-1", "shard-2", "shard-3"}));
}

}  // namespace
