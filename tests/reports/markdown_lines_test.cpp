// One checklist line per check id: the box, the id, the title, the counts and the status.
#include <gtest/gtest.h>

#include "reports/markdown.hpp"
#include "sample_report.hpp"
#include "test_util.hpp"

namespace {

using namespace reports_test;

TEST(MarkdownLines, PassedCheckIsTickedWithTitleAndCount) {
    const std::string md = reports::render_markdown(one_failure());
    EXPECT_EQ(line_starting(md, "- [x] `stream.upstream_streaming`"),
              "- [x] `stream.upstream_streaming` — generate calls reach Ollama with streaming on "
              "(12/12 calls)");
}

TEST(MarkdownLines, FailedCheckIsUntickedAndSaysFailed) {
    const std::string md = reports::render_markdown(one_failure());
    EXPECT_EQ(
        line_starting(md, "- [ ] `stream.order`"),
        "- [ ] `stream.order` — tokens arrive in the mock's order (11/12 calls) — **FAILED**");
    EXPECT_EQ(line_starting(md, "- [x] `stream.order`"), "");
}

TEST(MarkdownLines, ErrorSkippedAndExpectedFailureHaveTheirWords) {
    auto r = run({scenario(
        "s", {check("stream.realtime", Status::error), check("csv.integrity", Status::skipped),
              check("stream.final_matches", Status::expected_failure, 3, 4)})});
    const std::string md = reports::render_markdown(r);
    EXPECT_EQ(line_starting(md, "- [ ] `stream.realtime`"),
              "- [ ] `stream.realtime` — tokens arrive in real time (first token, relay lag, no "
              "batching) — **ERROR** (not decided)");
    EXPECT_EQ(line_starting(md, "- [ ] `csv.integrity`"),
              "- [ ] `csv.integrity` — the CSV stays valid RFC 4180, other rows untouched — "
              "*skipped*");
    EXPECT_EQ(line_starting(md, "- [ ] `stream.final_matches`"),
              "- [ ] `stream.final_matches` — the final summary equals the streamed tokens (3/4 "
              "calls) — *expected failure (baseline)*");
}

TEST(MarkdownLines, CheckTitleFromTheResultWinsOverTheCatalog) {
    auto c = check("stream.order", Status::passed, 2, 2);
    c.title = "ordered";
    c.item_unit = "streams";
    const std::string md = reports::render_markdown(run({scenario("s", {c})}));
    EXPECT_EQ(line_starting(md, "- [x] `stream.order`"),
              "- [x] `stream.order` — ordered (2/2 streams)");
}

TEST(MarkdownLines, ChecksFollowChecklistOrderAndUnknownIdsComeLast) {
    auto r = run({scenario(
        "s", {check("errors.clear", Status::passed), check("custom.thing", Status::passed),
              check("stream.order", Status::passed), check("csv.integrity", Status::passed)})});
    const std::string md = reports::render_markdown(r);
    const int order = line_index(md, "`stream.order`");
    const int csv = line_index(md, "`csv.integrity`");
    const int errors = line_index(md, "`errors.clear`");
    const int custom = line_index(md, "`custom.thing`");
    const int all = line_index(md, "`suite.all_pass`");
    ASSERT_GE(order, 0);
    EXPECT_LT(order, csv);
    EXPECT_LT(csv, errors);
    EXPECT_LT(errors, custom);
    EXPECT_LT(custom, all);
}

TEST(MarkdownLines, SuiteAllPassRollsUp) {
    const std::string failed = reports::render_markdown(one_failure());
    EXPECT_EQ(line_starting(failed, "- [ ] `suite.all_pass`"),
              "- [ ] `suite.all_pass` — every selected check passed (or is an expected failure) "
              "(2/3 checks) — **FAILED**");

    auto r = one_failure();
    r.scenarios[0].checks[2].status = Status::expected_failure;
    const std::string passed = reports::render_markdown(r);
    EXPECT_EQ(line_starting(passed, "- [x] `suite.all_pass`"),
              "- [x] `suite.all_pass` — every selected check passed (or is an expected failure) "
              "(3/3 checks)");
}

TEST(MarkdownLines, TitleCarriesTheVerdict) {
    EXPECT_EQ(reports_test::lines(reports::render_markdown(one_failure()))[0],
              "# ❌ mcp-harness checklist: FAILED (1 check failed)");
    auto ok = one_failure();
    ok.scenarios[0].checks[2].status = Status::passed;
    EXPECT_EQ(reports_test::lines(reports::render_markdown(ok))[0],
              "# ✅ mcp-harness checklist: PASSED");
    auto broken = ok;
    broken.scenarios[0].harness_error = "mcp-server exited with status 1 before ready";
    EXPECT_EQ(reports_test::lines(reports::render_markdown(broken))[0],
              "# ⚠️ mcp-harness checklist: INCOMPLETE (harness errors)");
    EXPECT_EQ(reports_test::lines(reports::render_markdown(run({})))[0],
              "# ⚠️ mcp-harness checklist: INCOMPLETE (no check ran)");
}

TEST(MarkdownLines, HarnessSuppliedSuiteAllPassIsNotListedTwice) {
    auto r = run({scenario(
        "s", {check("stream.order", Status::passed), check("suite.all_pass", Status::passed)})});
    const std::string md = reports::render_markdown(r);
    const int first = line_index(md, "`suite.all_pass`");
    ASSERT_GE(first, 0);
    const auto ls = reports_test::lines(md);
    int n = 0;
    for (const auto& l : ls) n += l.find("`suite.all_pass`") != std::string::npos ? 1 : 0;
    EXPECT_EQ(n, 1);
}

}  // namespace
