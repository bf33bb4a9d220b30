// After the checklist: harness errors, metrics tables, definitions, baseline, attachments.
#include <gtest/gtest.h>

#include "reports/markdown.hpp"
#include "sample_report.hpp"
#include "test_util.hpp"

namespace {

using namespace reports_test;

TEST(MarkdownSections, MetricsTablePerScenarioWithUnits) {
    const std::string md = reports::render_markdown(one_failure());
    EXPECT_NE(md.find("### `checklist_basic` (1.50 s)\n\n"
                      "| metric | n | p50 | p90 | p99 | max | mean |\n"
                      "|:--|--:|--:|--:|--:|--:|--:|\n"
                      "| TTFT (ms) | 4 | 41.0 | 120 | 120 | 120 | 60.9 |\n"
                      "| ITL (ms) | 5 | 10.4 | 30.2 | 30.2 | 30.2 | 14.5 |\n"),
              std::string::npos)
        << md;
}

TEST(MarkdownSections, EmptyDistributionShowsDashes) {
    auto r = one_failure();
    r.scenarios[0].metrics = {reports::summarize("relay_lag", "ms", {})};
    const std::string md = reports::render_markdown(r);
    EXPECT_NE(md.find("| relay lag (ms) | 0 | – | – | – | – | – |\n"), std::string::npos) << md;
}

TEST(MarkdownSections, DefinitionsFollowTheMetrics) {
    const std::string md = reports::render_markdown(one_failure());
    const int metrics = line_index(md, "## Metrics");
    const int defs = line_index(md, "## Definitions");
    ASSERT_GE(metrics, 0);
    EXPECT_GT(defs, metrics);
    EXPECT_NE(md.find("- **TTFT** — time to first token: from the moment the request was sent to "
                      "the moment the first token message was received by the client.\n"),
              std::string::npos);
    EXPECT_NE(md.find("- **relay lag** — client arrival time of a token minus the time the mock "
                      "emitted it"),
              std::string::npos);
}

TEST(MarkdownSections, BaselineListsExpectedFailuresAndEntriesThatNowPass) {
    auto r = run({scenario("basic", {check("stream.realtime", Status::expected_failure),
                                     check("stream.order", Status::passed)})});
    r.scenarios[0].checks[0].message = "p99 lag 80 ms > 50 ms";
    r.scenarios[0].checks[1].now_passing_in_baseline = true;
    const std::string md = reports::render_markdown(r);
    EXPECT_NE(md.find("\n## Baseline\n\nExpected failures (listed in the baseline, not counted "
                      "against the run):\n\n- `basic` `stream.realtime` — p99 lag 80 ms \\> 50 "
                      "ms\n\nNow passing — remove these entries from the baseline:\n\n- `basic` "
                      "`stream.order`\n"),
              std::string::npos)
        << md;
}

TEST(MarkdownSections, NoBaselineSectionWithoutBaselineEntries) {
    EXPECT_EQ(reports::render_markdown(one_failure()).find("## Baseline"), std::string::npos);
}

TEST(MarkdownSections, HarnessErrorsAreListed) {
    auto r = one_failure();
    r.scenarios[0].harness_error = "mcp-server exited (status 1) before it was ready";
    const std::string md = reports::render_markdown(r);
    EXPECT_NE(md.find("## Harness errors\n\n- `checklist_basic`: mcp-server exited (status 1) "
                      "before it was ready\n"),
              std::string::npos)
        << md;
    EXPECT_NE(line_starting(md, "- [ ] `suite.all_pass`")
                  .find("**INCOMPLETE**: harness error in 1 "
                        "scenario"),
              std::string::npos);
}

TEST(MarkdownSections, AttachmentsAreCollapsedCodeBlocks) {
    auto r = one_failure();
    r.scenarios[0].attachments.push_back({"server log <tail>", "line 1\n```\n\x1B[31mred\r\n"});
    const std::string md = reports::render_markdown(r);
    EXPECT_NE(md.find("<details><summary>checklist_basic: server log &lt;tail&gt;</summary>\n\n"
                      "````text\nline 1\n```\n\\u001B[31mred\n````\n\n</details>\n"),
              std::string::npos)
        << md;
}

TEST(MarkdownSections, SummaryLineHasCountsAndOptions) {
    const std::string md = reports::render_markdown(one_failure());
    EXPECT_NE(md.find("2 passed · 1 failed · 0 errors · 0 skipped · 0 expected failures — 1 "
                      "scenario in 3.50 s · mcp-harness 0.1.0 · started "
                      "2025-01-31T12:00:00.250Z\n"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("Options: seed=42, time\\_scale=0.01\n"), std::string::npos) << md;
}

}  // namespace
