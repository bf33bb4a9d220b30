// junit.xml parses as XML and has the element structure of the dialect.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include <unistd.h>

#include "junit_support.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;

// Every outcome at once, plus hostile text.
reports::RunReport everything() {
    auto failed = check("stream.order", Status::failed, 1, 2);
    failed.message = "out of order <&>";
    failed.evidence.push_back({"c1", 3, "a\"b'", "a\x01<b>]]>", "detail & more"});
    auto error = check("stream.realtime", Status::error);
    error.message = "no timestamps from the mock";
    auto skipped = check("timeout.long_generation", Status::skipped);
    skipped.message = "needs real time";
    auto expected = check("csv.integrity", Status::expected_failure);
    expected.warnings.push_back("formula-like '=' in P3");
    auto s1 = scenario("basic", {check("stream.upstream_streaming", Status::passed), failed, error,
                                 skipped, expected});
    s1.attachments.push_back({"server log", "boom\n"});
    auto s2 = scenario("broken", {});
    s2.harness_error = "scenario file invalid: line 3";
    s2.attachments.push_back({"stderr", "x"});
    return run({s1, s2, scenario("empty", {})});
}

TEST(JunitWellFormed, ParsesWithAStrictReader) {
    EXPECT_NO_THROW(junit_tree(everything())) << reports::render_junit(everything());
    EXPECT_NO_THROW(junit_tree(run({})));
}

TEST(JunitWellFormed, StartsWithAnXmlDeclaration) {
    EXPECT_TRUE(reports::render_junit(everything())
                    .starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
}

TEST(JunitWellFormed, ElementStructureIsTheDialect) {
    const auto root = junit_tree(everything());
    EXPECT_EQ(root.name, "testsuites");
    for (const auto& suite : root.children) {
        ASSERT_EQ(suite.name, "testsuite");
        for (const auto& child : suite.children) {
            EXPECT_TRUE(child.name == "testcase" || child.name == "system-out") << child.name;
            if (child.name != "testcase") continue;
            int outcomes = 0;
            for (const auto& c : child.children) {
                EXPECT_TRUE(c.name == "failure" || c.name == "error" || c.name == "skipped" ||
                            c.name == "system-out")
                    << c.name;
                outcomes += c.name == "system-out" ? 0 : 1;
            }
            EXPECT_LE(outcomes, 1) << child.at("name");
        }
    }
    EXPECT_EQ(root.all("testsuite").size(), 3u);
}

TEST(JunitWellFormed, XmllintAgreesWhenInstalled) {
    if (std::system("command -v xmllint >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "xmllint not installed; the in-test reader covers this";
    }
    const auto path = std::filesystem::temp_directory_path() /
                      ("reports_junit_" + std::to_string(::getpid()) + ".xml");
    {
        std::ofstream out(path, std::ios::binary);
        out << reports::render_junit(everything());
    }
    const int rc = std::system(("xmllint --noout '" + path.string() + "'").c_str());
    std::filesystem::remove(path);
    EXPECT_EQ(rc, 0);
}

}  // namespace
