// merge_runs' checks: decided over every shard, the failing shard named in the message and
// in each evidence item, items summed; the run's exit code follows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "merge_support.hpp"
#include "reports/merge.hpp"

namespace {

using namespace reports_test;
using ::testing::HasSubstr;
using ::testing::StartsWith;

reports::CheckResult& check(reports::MergeInput& in, std::size_t i) {
    return in.report.scenarios[0].checks[i];
}

TEST(MergeChecks, AllShardsPassingPassWithTheItemsSummed) {
    const auto merged = reports::merge_runs(shards(4, 10));
    const auto& c = merged.scenarios[0].checks;
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0].id, "stream.order");
    EXPECT_EQ(c[0].status, reports::Status::passed);
    EXPECT_EQ(c[0].passed_items, 10u);
    EXPECT_EQ(c[0].total_items, 10u);
    EXPECT_EQ(reports::exit_code(merged), 0);
    EXPECT_EQ(merged.options["shard"], "merged 4");
    EXPECT_EQ(merged.options["harness_cpu_s"], 2.0);
}

TEST(MergeChecks, AFailureInOneShardFailsTheCheckNamingThatShard) {
    auto in = shards(4, 10);
    auto& bad = check(in[2], 1);
    bad.status = reports::Status::failed;
    bad.passed_items = 1;
    bad.message = "1 of 2 calls late";
    bad.evidence.push_back({"client 6 steps[1] generate 1", 3, "", "", "lag 900 ms"});
    bad.evidence.push_back({"client 2 steps[1] generate 1", std::nullopt, "", "", ""});
    const auto merged = reports::merge_runs(std::move(in));
    const auto& c = merged.scenarios[0].checks[1];
    EXPECT_EQ(c.status, reports::Status::failed);
    EXPECT_EQ(c.message, "shard 3/4: 1 of 2 calls late");
    ASSERT_EQ(c.evidence.size(), 2u);
    EXPECT_EQ(c.evidence[0].detail, "shard 3/4: lag 900 ms");
    EXPECT_EQ(c.evidence[1].detail, "shard 3/4");
    EXPECT_EQ(c.passed_items, 9u);
    EXPECT_EQ(c.total_items, 10u);
    EXPECT_EQ(merged.scenarios[0].checks[0].status, reports::Status::passed);
    EXPECT_EQ(reports::exit_code(merged), 1);
}

TEST(MergeChecks, AnUndecidedShardWinsOverAFailureAndBothAreNamed) {
    auto in = shards(3, 9);
    check(in[0], 0).status = reports::Status::failed;
    check(in[0], 0).message = "out of order";
    check(in[1], 0).status = reports::Status::error;
    check(in[1], 0).message = "tokens not kept";
    const auto merged = reports::merge_runs(std::move(in));
    const auto& c = merged.scenarios[0].checks[0];
    EXPECT_EQ(c.status, reports::Status::error);
    EXPECT_EQ(c.message, "shard 1/3: out of order; shard 2/3: tokens not kept");
    EXPECT_EQ(reports::exit_code(merged), 2);
}

TEST(MergeChecks, SkippedInOneShardAndPassedInAnotherPasses) {
    auto in = shards(2, 4);
    check(in[1], 0).status = reports::Status::skipped;
    check(in[1], 0).message = "nothing to judge";
    const auto merged = reports::merge_runs(std::move(in));
    EXPECT_EQ(merged.scenarios[0].checks[0].status, reports::Status::passed);
    EXPECT_EQ(merged.scenarios[0].checks[0].message, "");
}

TEST(MergeChecks, AHarnessErrorInOneShardMakesTheRunIncompleteNamingIt) {
    auto in = shards(2, 4);
    in[1].report.scenarios[0].harness_error = "server did not start";
    const auto merged = reports::merge_runs(std::move(in));
    EXPECT_EQ(merged.scenarios[0].harness_error, "shard 2/2: server did not start");
    EXPECT_EQ(reports::exit_code(merged), 2);
}

TEST(MergeChecks, ScenariosOfOneShardEachAreKeptWhole) {
    auto in = shards(2, 4);
    for (std::size_t i = 0; i < 2; ++i) {
        reports::ScenarioResult s;
        s.name = "whole_" + std::to_string(i + 1);
        s.checks = {passed_check("compat.tools_list", 1)};
        s.extra["shard"] = {{"index", i + 1}, {"count", 2}, {"by", "scenario"}};
        in[i].report.scenarios.push_back(std::move(s));
    }
    const auto merged = reports::merge_runs(std::move(in));
    ASSERT_EQ(merged.scenarios.size(), 3u);
    EXPECT_EQ(merged.scenarios[1].name, "whole_1");
    EXPECT_EQ(merged.scenarios[2].name, "whole_2");
    EXPECT_EQ(merged.scenarios[2].extra["shards"][0]["dir"], "shard-2");
    EXPECT_EQ(merged.counts().checks, 4u);
}

TEST(MergeChecks, IndependentRunsAreLabelledAsRuns) {
    auto in = shards(2, 4);
    for (auto& r : in) {
        r.report.options.erase("shard");
        r.report.scenarios[0].extra.erase("shard");
    }
    in[1].report.options["seed"] = 8;  // independent runs may differ in seed
    check(in[1], 0).status = reports::Status::failed;
    const auto merged = reports::merge_runs(std::move(in));
    EXPECT_EQ(merged.scenarios[0].checks[0].message, "run 2/2");
    EXPECT_EQ(merged.options["merged_runs"], 2);
    EXPECT_FALSE(merged.options.contains("shard"));
    EXPECT_DOUBLE_EQ(merged.seconds, 4.0);  // one after the other
}

}  // namespace
