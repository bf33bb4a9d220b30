// Evidence comes from the system under test: whatever it holds must neither break the
// Markdown structure nor be rendered as Markdown.
#include <gtest/gtest.h>

#include "reports/markdown.hpp"
#include "sample_report.hpp"
#include "test_util.hpp"

namespace {

using namespace reports_test;

std::string render_with(reports::Evidence e, std::string message = "") {
    auto c = check("stream.final_matches", Status::failed, 0, 1);
    c.message = std::move(message);
    c.evidence.push_back(std::move(e));
    return reports::render_markdown(run({scenario("s", {c})}));
}

// The evidence line: the one after the scenario detail line.
std::string evidence_line(const std::string& md) {
    const auto ls = lines(md);
    const int at = line_index(md, "  - `s`: failed");
    if (at < 0 || static_cast<std::size_t>(at + 1) >= ls.size()) return {};
    return ls[at + 1];
}

TEST(MarkdownEscaping, NewlinesInEvidenceStayOnOneLine) {
    const std::string md = render_with({"c1", 0, "line one\nline two", "line one\r\n", ""});
    EXPECT_EQ(evidence_line(md),
              "    - call `c1`, token 0: expected `line one\\nline two`, got `line one\\r\\n`");
}

TEST(MarkdownEscaping, BackticksGetALongerFence) {
    const std::string md = render_with({"", std::nullopt, "a`b", "``x``", ""});
    EXPECT_EQ(evidence_line(md), "    - expected ``a`b``, got ``` ``x`` ```");
}

TEST(MarkdownEscaping, PipesCannotMakeATable) {
    const std::string md = render_with({"", std::nullopt, "", "", "a | b | c"}, "x | y");
    EXPECT_EQ(evidence_line(md), "    - a \\| b \\| c");
    EXPECT_NE(md.find("  - `s`: failed (0/1 calls) — x \\| y\n"), std::string::npos) << md;
}

TEST(MarkdownEscaping, MarkupInProseIsLiteral) {
    const std::string md =
        render_with({"", std::nullopt, "", "", "# <b>*bold*</b> [link](http://x) _u_ ~s~ &amp;"});
    EXPECT_EQ(evidence_line(md),
              "    - \\# \\<b\\>\\*bold\\*\\</b\\> \\[link\\](http://x) \\_u\\_ \\~s\\~ \\&amp;");
}

TEST(MarkdownEscaping, ListMarkersAtTheStartAreEscaped) {
    EXPECT_EQ(evidence_line(render_with({"", std::nullopt, "", "", "- not a list"})),
              "    - \\- not a list");
    EXPECT_EQ(evidence_line(render_with({"", std::nullopt, "", "", "12. not a list"})),
              "    - 12\\. not a list");
    EXPECT_EQ(evidence_line(render_with({"", std::nullopt, "", "", "0.1 s late"})),
              "    - 0.1 s late");
}

TEST(MarkdownEscaping, ControlCharactersAndBrokenUtf8AreShownNotPassedOn) {
    const std::string md = render_with({"", std::nullopt, "caf\xC3\xA9", "caf\xC3\x1B[31m", ""});
    EXPECT_EQ(evidence_line(md), "    - expected `café`, got `caf\\xC3\\u001B[31m`");
    EXPECT_EQ(md.find('\x1B'), std::string::npos);
}

TEST(MarkdownEscaping, LongValuesAreCutAroundTheFirstDifference) {
    const std::string common(200, 'a');
    const std::string md =
        render_with({"", std::nullopt, common + "XYZ" + common, common + "XQZ", ""});
    const std::string line = evidence_line(md);
    EXPECT_NE(line.find("(first difference at character 201)"), std::string::npos) << line;
    // 20 code points of context before the difference (19 'a' and the shared 'X').
    EXPECT_NE(line.find("expected `…" + std::string(19, 'a') + "XYZ"), std::string::npos) << line;
    EXPECT_NE(line.find("got `…" + std::string(19, 'a') + "XQZ`"), std::string::npos) << line;
    EXPECT_LT(line.size(), 300u);
}

TEST(MarkdownEscaping, ManyEvidenceItemsAreCapped) {
    auto c = check("stream.order", Status::failed, 0, 50);
    for (std::size_t i = 0; i < 50; ++i) c.evidence.push_back({"c", i, "x", "y", ""});
    const std::string md = reports::render_markdown(run({scenario("s", {c})}));
    EXPECT_NE(md.find("    - … and 40 more (see report.json)\n"), std::string::npos);
    EXPECT_EQ(md.find("token 10:"), std::string::npos);
    EXPECT_NE(md.find("token 9:"), std::string::npos);
}

}  // namespace
