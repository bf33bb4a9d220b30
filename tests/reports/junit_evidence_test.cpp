// Evidence reads as the checks wrote it: a value arrives quoted by checks::quote ("" for an
// empty summary), a description ("no row") unquoted, and junit.xml adds no quotes of its own;
// checklist.md shows the same strings.
#include <gtest/gtest.h>

#include "junit_support.hpp"
#include "reports/markdown.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;

std::string failure_text(const reports::RunReport& r) {
    const auto root = junit_tree(r);
    const auto* f = testcase(root, "csv.summary_saved")->first("failure");
    return f == nullptr ? std::string("<no failure>") : f->text;
}

reports::RunReport summary_mismatch() {
    auto c = check("csv.summary_saved", Status::failed, 0, 1);
    c.message = "the saved summary differs from the streamed one";
    // What checks::quote makes of "" and of "Summary: fine".
    c.evidence.push_back({"1", std::nullopt, "\"\"", "\"Summary: fine\"", ""});
    c.evidence.push_back({"2", std::nullopt, "patient P002", "no row", ""});
    return run({scenario("s", {c})});
}

TEST(JunitEvidence, QuotedValuesAreNotQuotedAgain) {
    const std::string body = failure_text(summary_mismatch());
    EXPECT_NE(body.find("  expected: \"\"\n"), std::string::npos) << body;
    EXPECT_NE(body.find("  got:      \"Summary: fine\"\n"), std::string::npos) << body;
    EXPECT_EQ(body.find("\"\"\"\""), std::string::npos) << body;
    EXPECT_EQ(body.find("\"\"Summary"), std::string::npos) << body;
}

TEST(JunitEvidence, DescriptionsStayUnquoted) {
    const std::string body = failure_text(summary_mismatch());
    EXPECT_NE(body.find("  expected: patient P002\n  got:      no row\n"), std::string::npos)
        << body;
}

TEST(JunitEvidence, SameStringsAsTheChecklist) {
    const auto r = summary_mismatch();
    const std::string md = reports::render_markdown(r);
    EXPECT_NE(md.find("`\"Summary: fine\"`"), std::string::npos) << md;
    EXPECT_NE(failure_text(r).find("\"Summary: fine\"\n"), std::string::npos);
}

}  // namespace
