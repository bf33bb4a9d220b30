// A check id that appears in several scenarios is one line: failed if any scenario failed,
// counts summed, per-scenario detail indented under it.
#include <gtest/gtest.h>

#include "reports/markdown.hpp"
#include "sample_report.hpp"
#include "test_util.hpp"

namespace {

using namespace reports_test;

reports::RunReport two_scenarios(Status second) {
    auto bad = check("stream.order", second, 3, 4);
    bad.message = "token 2 out of order";
    bad.evidence.push_back({"c3", 2, "b", "c", ""});
    return run({scenario("basic", {check("stream.order", Status::passed, 8, 8)}),
                scenario("load", {bad})});
}

TEST(MarkdownAggregation, FailsIfAnyScenarioFailsAndSumsCounts) {
    const std::string md = reports::render_markdown(two_scenarios(Status::failed));
    EXPECT_EQ(line_starting(md, "- [ ] `stream.order`"),
              "- [ ] `stream.order` — tokens arrive in the mock's order (11/12 calls, 2 "
              "scenarios) — **FAILED**");
}

TEST(MarkdownAggregation, PassesWhenEveryScenarioPasses) {
    const std::string md = reports::render_markdown(two_scenarios(Status::passed));
    EXPECT_EQ(line_starting(md, "- [x] `stream.order`"),
              "- [x] `stream.order` — tokens arrive in the mock's order (11/12 calls, 2 "
              "scenarios)");
}

TEST(MarkdownAggregation, PerScenarioDetailUnderTheLine) {
    const std::string md = reports::render_markdown(two_scenarios(Status::failed));
    const auto ls = lines(md);
    const int at = line_index(md, "- [ ] `stream.order`");
    ASSERT_GE(at, 0);
    ASSERT_LT(static_cast<std::size_t>(at + 3), ls.size());
    EXPECT_EQ(ls[at + 1], "  - `basic`: passed (8/8 calls)");
    EXPECT_EQ(ls[at + 2], "  - `load`: failed (3/4 calls) — token 2 out of order");
    EXPECT_EQ(ls[at + 3], "    - call `c3`, token 2: expected `b`, got `c`");
}

TEST(MarkdownAggregation, FailureOutranksErrorAndErrorOutranksExpectedFailure) {
    auto r = run({scenario("a", {check("stream.order", Status::error)}),
                  scenario("b", {check("stream.order", Status::failed)}),
                  scenario("c", {check("stream.realtime", Status::expected_failure)}),
                  scenario("d", {check("stream.realtime", Status::error)})});
    const std::string md = reports::render_markdown(r);
    EXPECT_NE(line_starting(md, "- [ ] `stream.order`").find("**FAILED**"), std::string::npos);
    EXPECT_NE(line_starting(md, "- [ ] `stream.realtime`").find("**ERROR**"), std::string::npos);
}

TEST(MarkdownAggregation, SinglePassingScenarioHasNoDetailLines) {
    auto r = run({scenario("basic", {check("stream.order", Status::passed, 8, 8),
                                     check("csv.integrity", Status::passed)})});
    const auto ls = lines(reports::render_markdown(r));
    const int at = line_index(reports::render_markdown(r), "`stream.order`");
    ASSERT_GE(at, 0);
    EXPECT_TRUE(ls[at + 1].starts_with("- [x] `csv.integrity`")) << ls[at + 1];
}

TEST(MarkdownAggregation, WarningsShowEvenOnAPassedCheck) {
    auto c = check("csv.integrity", Status::passed);
    c.warnings.push_back("summary of P007 starts with '=' (formula injection in spreadsheets)");
    const std::string md = reports::render_markdown(run({scenario("basic", {c})}));
    EXPECT_NE(md.find("\n  - `basic`: passed\n    - ⚠️ warning: summary of P007 starts with "
                      "'=' (formula injection in spreadsheets)\n"),
              std::string::npos)
        << md;
}

}  // namespace
