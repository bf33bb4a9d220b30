// How each outcome is written: failure, error, skipped, expected failure (a passing testcase
// with a note), harness error (a `harness` testcase), attachments (system-out).
#include <gtest/gtest.h>

#include "junit_support.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;

TEST(JunitOutcomes, FailureCarriesMessageAndEvidence) {
    const auto root = junit_tree(one_failure());
    const auto* tc = testcase(root, "stream.order");
    ASSERT_NE(tc, nullptr);
    const auto* f = tc->first("failure");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->at("message"), "token 17 of call summarize#3 arrived out of order");
    EXPECT_EQ(f->at("type"), "check_failed");
    EXPECT_EQ(f->text,
              "token 17 of call summarize#3 arrived out of order\n"
              "11/12 calls passed\n"
              "\n"
              "call summarize#3, token 17\n"
              "  expected: Blood\n"
              "  got:      pressure\n"
              "  position 92 after 97\n");
}

TEST(JunitOutcomes, MultiLineMessageAttributeIsItsFirstLine) {
    auto r = one_failure();
    r.scenarios[0].checks[2].message = "\n  first line\nsecond line";
    const auto root = junit_tree(r);
    const auto* f = testcase(root, "stream.order")->first("failure");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->at("message"), "first line …");
}

TEST(JunitOutcomes, ErrorAndSkipped) {
    auto err = check("stream.realtime", Status::error);
    err.message = "mock sent no timestamps";
    auto skip = check("timeout.long_generation", Status::skipped);
    skip.message = "needs time_scale 1";
    const auto root = junit_tree(run({scenario("s", {err, skip})}));
    const auto* e = testcase(root, "stream.realtime")->first("error");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->at("message"), "mock sent no timestamps");
    EXPECT_EQ(e->at("type"), "check_error");
    const auto* s = testcase(root, "timeout.long_generation")->first("skipped");
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->at("message"), "needs time_scale 1");
}

TEST(JunitOutcomes, PassedCheckIsAnEmptyTestcase) {
    // The tree must outlive `tc`, which points into it.
    const auto root = junit_tree(one_failure());
    const auto* tc = testcase(root, "stream.upstream_streaming");
    ASSERT_NE(tc, nullptr);
    EXPECT_TRUE(tc->children.empty());
}

TEST(JunitOutcomes, WarningsOfAPassedCheckGoToSystemOut) {
    auto r = one_failure();
    r.scenarios[0].checks[0].warnings = {"P3 starts with '='", "P9 starts with '@'"};
    const auto root = junit_tree(r);
    const auto* tc = testcase(root, "stream.upstream_streaming");
    ASSERT_NE(tc, nullptr);
    EXPECT_EQ(tc->first("failure"), nullptr);
    const auto* out = tc->first("system-out");
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(out->text, "warning: P3 starts with '='\nwarning: P9 starts with '@'\n");
}

TEST(JunitOutcomes, ExpectedFailureIsAPassingTestcaseWithANote) {
    auto r = one_failure();
    r.scenarios[0].checks[2].status = Status::expected_failure;
    const auto root = junit_tree(r);
    EXPECT_EQ(root.at("failures"), "0");
    EXPECT_EQ(root.all("testsuite")[0]->at("skipped"), "0");
    const auto* tc = testcase(root, "stream.order");
    ASSERT_NE(tc, nullptr);
    EXPECT_EQ(tc->first("failure"), nullptr);
    EXPECT_EQ(tc->first("skipped"), nullptr);
    const auto* out = tc->first("system-out");
    ASSERT_NE(out, nullptr);
    EXPECT_TRUE(out->text.starts_with("expected failure (listed in the baseline)")) << out->text;
    EXPECT_NE(out->text.find("expected: Blood\n"), std::string::npos);
}

TEST(JunitOutcomes, NowPassingBaselineEntryGetsANote) {
    auto r = one_failure();
    r.scenarios[0].checks[0].now_passing_in_baseline = true;
    const auto root = junit_tree(r);
    const auto* out = testcase(root, "stream.upstream_streaming")->first("system-out");
    ASSERT_NE(out, nullptr);
    EXPECT_NE(out->text.find("remove it from the baseline"), std::string::npos);
}

TEST(JunitOutcomes, HarnessErrorIsAHarnessTestcaseWithAnError) {
    auto s = scenario("broken", {});
    s.harness_error = "mcp-server did not become ready within 10 s";
    const auto root = junit_tree(run({s}));
    EXPECT_EQ(root.at("errors"), "1");
    EXPECT_EQ(root.at("tests"), "1");
    const auto* tc = testcase(root, "harness");
    ASSERT_NE(tc, nullptr);
    EXPECT_EQ(tc->at("classname"), "broken");
    const auto* e = tc->first("error");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->at("type"), "harness_error");
    EXPECT_EQ(e->at("message"), "mcp-server did not become ready within 10 s");
}

TEST(JunitOutcomes, AttachmentsGoToTheFirstFailingTestcase) {
    auto r = one_failure();
    r.scenarios[0].attachments.push_back({"server log", "listening on :0\npanic\n"});
    const auto root = junit_tree(r);
    const auto* out = testcase(root, "stream.order")->first("system-out");
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(out->text, "=== server log ===\nlistening on :0\npanic\n");
    EXPECT_EQ(root.all("testsuite")[0]->first("system-out"), nullptr);
}

TEST(JunitOutcomes, AttachmentsOfAPassingScenarioGoToTheSuite) {
    auto r = one_failure();
    r.scenarios[0].checks[2].status = Status::passed;
    r.scenarios[0].attachments.push_back({"log", "ok"});
    const auto root = junit_tree(r);
    const auto* out = root.all("testsuite")[0]->first("system-out");
    ASSERT_NE(out, nullptr);
    EXPECT_EQ(out->text, "=== log ===\nok\n");
}

}  // namespace
