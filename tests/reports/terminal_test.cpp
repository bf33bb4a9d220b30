// The console summary: one line per check, failures with their first evidence, a verdict.
#include <gtest/gtest.h>

#include "reports/terminal.hpp"
#include "sample_report.hpp"
#include "test_util.hpp"

namespace {

using namespace reports_test;

TEST(Terminal, OneLinePerCheckAndAVerdict) {
    const std::string t = reports::render_terminal_summary(one_failure(), false);
    EXPECT_EQ(t,
              "mcp-harness 0.1.0 · 1 scenario · 3.50 s\n"
              "  PASS   stream.upstream_streaming  generate calls reach Ollama with streaming on "
              "(12/12 calls)\n"
              "  PASS   stream.tokens_delivered    every emitted token reaches the client, none "
              "extra (12/12 calls)\n"
              "  FAIL   stream.order               tokens arrive in the mock's order (11/12 "
              "calls)\n"
              "         checklist_basic: failed — token 17 of call summarize#3 arrived out of "
              "order\n"
              "           call summarize#3, token 17: expected Blood, got pressure — "
              "position 92 after 97\n"
              "FAILED — 2 passed, 1 failed, 0 errors, 0 skipped, 0 expected failures (exit code "
              "1)\n");
}

TEST(Terminal, ColourOnlyWhenAsked) {
    EXPECT_EQ(reports::render_terminal_summary(one_failure(), false).find('\x1b'),
              std::string::npos);
    const std::string t = reports::render_terminal_summary(one_failure(), true);
    EXPECT_NE(t.find("\x1b[1;31mFAIL \x1b[0m"), std::string::npos);
    EXPECT_NE(t.find("\x1b[32mPASS \x1b[0m"), std::string::npos);
}

TEST(Terminal, TextFromTheServerCannotDriveTheTerminal) {
    auto r = one_failure();
    // Quoted, as the checks quote a value (checks::quote).
    r.scenarios[0].checks[2].evidence[0].got = "\"\x1b[2J\x1b]0;owned\x07\"";
    r.scenarios[0].checks[2].message = "bad\x1b[31m";
    const std::string t = reports::render_terminal_summary(r, false);
    EXPECT_EQ(t.find('\x1b'), std::string::npos);
    EXPECT_EQ(t.find('\x07'), std::string::npos);
    EXPECT_NE(t.find("got \"\\u001B[2J\\u001B]0;owned\\u0007\""), std::string::npos) << t;
}

TEST(Terminal, StatusTagsHarnessErrorsAndBaselineNotes) {
    auto r = run({scenario(
        "s",
        {check("stream.order", Status::expected_failure), check("stream.realtime", Status::error),
         check("csv.integrity", Status::skipped), check("errors.clear", Status::passed)})});
    r.scenarios[0].checks[3].now_passing_in_baseline = true;
    r.scenarios[0].harness_error = "mock-ollama exited";
    const std::string t = reports::render_terminal_summary(r, false);
    EXPECT_TRUE(line_starting(t, "  XFAIL  stream.order").size() > 0) << t;
    EXPECT_TRUE(line_starting(t, "  ERROR  stream.realtime").size() > 0) << t;
    EXPECT_TRUE(line_starting(t, "  SKIP   csv.integrity").size() > 0) << t;
    EXPECT_EQ(line_starting(t, "  ERROR  harness:"), "  ERROR  harness: s: mock-ollama exited");
    EXPECT_EQ(line_starting(t, "baseline:"),
              "baseline: 1 entry passes now, remove from the baseline: s errors.clear");
    EXPECT_TRUE(line_starting(t, "INCOMPLETE (harness errors) — ").size() > 0) << t;
}

TEST(Terminal, WarningsArePrinted) {
    auto c = check("csv.integrity", Status::passed);
    c.warnings.push_back("P3 summary starts with '='");
    const std::string t = reports::render_terminal_summary(run({scenario("s", {c})}), false);
    EXPECT_EQ(line_starting(t, "         warning"),
              "         warning s: P3 summary starts with '='");
}

}  // namespace
