// apply_baseline: listed failures become expected failures; listed passes are flagged.
#include <gtest/gtest.h>

#include "reports/baseline.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;

reports::RunReport sample() {
    return run(
        {scenario("basic",
                  {check("stream.order", Status::failed), check("stream.realtime", Status::passed),
                   check("errors.clear", Status::error), check("csv.integrity", Status::skipped),
                   check("stream.final_matches", Status::failed)}),
         scenario("load", {check("stream.order", Status::failed)})});
}

TEST(BaselineApply, ListedFailureBecomesExpected) {
    auto r = sample();
    reports::apply_baseline(r, {{{"basic", "stream.order"}}});
    EXPECT_EQ(r.scenarios[0].checks[0].status, Status::expected_failure);
    EXPECT_EQ(r.scenarios[0].checks[4].status, Status::failed);  // not listed
    EXPECT_EQ(r.scenarios[1].checks[0].status, Status::failed);  // other scenario
}

TEST(BaselineApply, WildcardMatchesEveryScenario) {
    auto r = sample();
    reports::apply_baseline(r, {{{"*", "stream.order"}}});
    EXPECT_EQ(r.scenarios[0].checks[0].status, Status::expected_failure);
    EXPECT_EQ(r.scenarios[1].checks[0].status, Status::expected_failure);
}

TEST(BaselineApply, ListedPassIsFlaggedForRemoval) {
    auto r = sample();
    reports::apply_baseline(r, {{{"basic", "stream.realtime"}}});
    EXPECT_EQ(r.scenarios[0].checks[1].status, Status::passed);
    EXPECT_TRUE(r.scenarios[0].checks[1].now_passing_in_baseline);
    EXPECT_EQ(r.counts().now_passing_in_baseline, 1u);
}

TEST(BaselineApply, ErrorsAndSkipsAreNeverMasked) {
    auto r = sample();
    reports::apply_baseline(r, {{{"basic", "errors.clear"}, {"basic", "csv.integrity"}}});
    EXPECT_EQ(r.scenarios[0].checks[2].status, Status::error);
    EXPECT_EQ(r.scenarios[0].checks[3].status, Status::skipped);
    EXPECT_FALSE(r.scenarios[0].checks[2].now_passing_in_baseline);
    EXPECT_FALSE(r.scenarios[0].checks[3].now_passing_in_baseline);
}

TEST(BaselineApply, FullBaselineTurnsTheRunGreenOnlyWithoutErrors) {
    auto r = sample();
    reports::apply_baseline(r, reports::baseline_from_failures(r));
    EXPECT_EQ(r.counts().failed, 0u);
    EXPECT_EQ(r.counts().expected_failures, 3u);
    EXPECT_FALSE(r.all_passed());  // errors.clear is in error
    r.scenarios[0].checks[2].status = Status::passed;
    EXPECT_TRUE(r.all_passed());
    EXPECT_EQ(reports::exit_code(r), 0);
}

TEST(BaselineApply, BaselineFromFailuresListsFailedAndExpected) {
    auto r = sample();
    r.scenarios[0].checks[4].status = Status::expected_failure;
    const auto b = reports::baseline_from_failures(r);
    const std::set<std::pair<std::string, std::string>> want = {
        {"basic", "stream.order"}, {"basic", "stream.final_matches"}, {"load", "stream.order"}};
    EXPECT_EQ(b.expected, want);
}

}  // namespace
