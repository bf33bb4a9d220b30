// Counts and the suite.all_pass rollup.
#include <gtest/gtest.h>

#include "sample_report.hpp"

namespace {

using namespace reports_test;

TEST(Counts, SumOverScenarios) {
    auto r = run({scenario("a", {check("1", Status::passed), check("2", Status::failed),
                                 check("3", Status::skipped)}),
                  scenario("b", {check("1", Status::error), check("2", Status::expected_failure),
                                 check("3", Status::passed)})});
    r.scenarios[1].checks[2].now_passing_in_baseline = true;
    r.scenarios[1].harness_error = "x";
    const reports::Counts c = r.counts();
    EXPECT_EQ(c.checks, 6u);
    EXPECT_EQ(c.passed, 2u);
    EXPECT_EQ(c.failed, 1u);
    EXPECT_EQ(c.errors, 1u);
    EXPECT_EQ(c.skipped, 1u);
    EXPECT_EQ(c.expected_failures, 1u);
    EXPECT_EQ(c.now_passing_in_baseline, 1u);
    EXPECT_EQ(c.harness_errors, 1u);
    EXPECT_EQ(r.scenarios[0].counts().checks, 3u);
}

TEST(AllPassed, PassedSkippedAndExpectedFailuresPass) {
    EXPECT_TRUE(run({scenario("a", {check("1", Status::passed), check("2", Status::skipped),
                                    check("3", Status::expected_failure)})})
                    .all_passed());
}

TEST(AllPassed, AnyFailureOrErrorFails) {
    EXPECT_FALSE(run({scenario("a", {check("1", Status::passed), check("2", Status::failed)})})
                     .all_passed());
    EXPECT_FALSE(
        run({scenario("a", {check("1", Status::passed), check("2", Status::error)})}).all_passed());
}

TEST(AllPassed, HarnessErrorFails) {
    auto r = run({scenario("a", {check("1", Status::passed)})});
    r.scenarios[0].harness_error = "server did not start";
    EXPECT_FALSE(r.all_passed());
}

TEST(AllPassed, NothingRunDoesNotPass) {
    EXPECT_FALSE(run({}).all_passed());
    EXPECT_FALSE(run({scenario("a", {})}).all_passed());
}

}  // namespace
