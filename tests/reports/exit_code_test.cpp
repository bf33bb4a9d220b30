// 0 all passed (or expected); 1 check failures; 2 incomplete run (wins over 1).
#include <gtest/gtest.h>

#include "sample_report.hpp"

namespace {

using namespace reports_test;

TEST(ExitCode, ZeroWhenEverythingPassedOrIsExpected) {
    EXPECT_EQ(reports::exit_code(run(
                  {scenario("a", {check("1", Status::passed), check("2", Status::expected_failure),
                                  check("3", Status::skipped)})})),
              0);
}

TEST(ExitCode, OneForCheckFailures) {
    EXPECT_EQ(reports::exit_code(one_failure()), 1);
}

TEST(ExitCode, TwoForHarnessErrorsEvenWithFailures) {
    auto r = one_failure();
    r.scenarios[0].harness_error = "mock-ollama crashed";
    EXPECT_EQ(reports::exit_code(r), 2);
}

TEST(ExitCode, TwoForAnUndecidedCheck) {
    EXPECT_EQ(reports::exit_code(
                  run({scenario("a", {check("1", Status::passed), check("2", Status::error)})})),
              2);
}

TEST(ExitCode, TwoWhenNoCheckRan) {
    EXPECT_EQ(reports::exit_code(run({})), 2);
}

TEST(ExitCode, NowPassingBaselineEntriesDoNotFail) {
    auto r = run({scenario("a", {check("1", Status::passed)})});
    r.scenarios[0].checks[0].now_passing_in_baseline = true;
    EXPECT_EQ(reports::exit_code(r), 0);
}

}  // namespace
