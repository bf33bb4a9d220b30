// The attributes GitLab's and Jenkins's JUnit parsers read are present, and the counts add up.
#include <gtest/gtest.h>

#include "junit_support.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;

reports::RunReport mixed() {
    return run({scenario("a", {check("stream.order", Status::passed),
                               check("stream.realtime", Status::failed),
                               check("csv.integrity", Status::skipped)}),
                scenario("b", {check("stream.order", Status::error),
                               check("stream.realtime", Status::failed),
                               check("errors.clear", Status::expected_failure)})});
}

TEST(JunitAttributes, RootHasNameAndCounts) {
    const auto root = junit_tree(mixed());
    for (const char* a : {"name", "tests", "failures", "errors", "time"}) {
        EXPECT_TRUE(root.has(a)) << a;
    }
    // Jenkins' junit-10.xsd has no `skipped` on <testsuites> (junit_xsd_test.cpp): the
    // skipped counts are per <testsuite> only.
    EXPECT_FALSE(root.has("skipped"));
    EXPECT_EQ(root.at("name"), "mcp-harness");
    EXPECT_EQ(root.at("tests"), "6");
    EXPECT_EQ(root.at("failures"), "2");
    EXPECT_EQ(root.at("errors"), "1");
    EXPECT_EQ(root.at("time"), "3.500");
}

TEST(JunitAttributes, TestsuitePerScenario) {
    const auto root = junit_tree(mixed());
    const auto suites = root.all("testsuite");
    ASSERT_EQ(suites.size(), 2u);
    for (const auto* s : suites) {
        for (const char* a :
             {"name", "tests", "failures", "errors", "skipped", "time", "timestamp"}) {
            EXPECT_TRUE(s->has(a)) << a;
        }
    }
    EXPECT_EQ(suites[0]->at("name"), "a");
    EXPECT_EQ(suites[0]->at("time"), "1.500");
    EXPECT_EQ(suites[0]->at("timestamp"), "2025-01-31T12:00:00");
    EXPECT_EQ(suites[1]->at("tests"), "3");
    EXPECT_EQ(suites[1]->at("failures"), "1");
    EXPECT_EQ(suites[1]->at("errors"), "1");
    EXPECT_EQ(suites[1]->at("skipped"), "0");
}

TEST(JunitAttributes, TestcasePerCheckAndFailureAttributes) {
    const auto root = junit_tree(mixed());
    const auto cases = testcases(root);
    ASSERT_EQ(cases.size(), 6u);
    for (const auto* tc : cases) {
        for (const char* a : {"classname", "name", "time"}) EXPECT_TRUE(tc->has(a)) << a;
        EXPECT_EQ(tc->attributes.size(), 3u);
        for (const char* kind : {"failure", "error"}) {
            if (const auto* f = tc->first(kind)) {
                EXPECT_TRUE(f->has("message"));
                EXPECT_TRUE(f->has("type"));
            }
        }
    }
    EXPECT_EQ(cases[1]->at("classname"), "a");
    EXPECT_EQ(cases[1]->at("name"), "stream.realtime");
    EXPECT_EQ(cases[1]->at("time"), "0.250");
    ASSERT_NE(cases[1]->first("failure"), nullptr);
    EXPECT_EQ(cases[1]->first("failure")->at("type"), "check_failed");
}

TEST(JunitAttributes, CountsAddUp) {
    const auto root = junit_tree(mixed());
    std::size_t tests = 0, failures = 0, errors = 0;
    for (const auto* s : root.all("testsuite")) {
        std::size_t t = 0, f = 0, e = 0, sk = 0;
        for (const auto* tc : s->all("testcase")) {
            ++t;
            f += tc->first("failure") ? 1 : 0;
            e += tc->first("error") ? 1 : 0;
            sk += tc->first("skipped") ? 1 : 0;
        }
        EXPECT_EQ(s->at("tests"), std::to_string(t));
        EXPECT_EQ(s->at("failures"), std::to_string(f));
        EXPECT_EQ(s->at("errors"), std::to_string(e));
        EXPECT_EQ(s->at("skipped"), std::to_string(sk));
        tests += t;
        failures += f;
        errors += e;
    }
    EXPECT_EQ(root.at("tests"), std::to_string(tests));
    EXPECT_EQ(root.at("failures"), std::to_string(failures));
    EXPECT_EQ(root.at("errors"), std::to_string(errors));
}

TEST(JunitAttributes, TimestampIsUtcWithoutZone) {
    auto r = mixed();
    r.started_at = "2025-01-01T00:30:00.5+01:00";
    EXPECT_EQ(junit_tree(r).all("testsuite")[0]->at("timestamp"), "2024-12-31T23:30:00");
    r.started_at = "2024-02-28T23:00:00-02:00";
    EXPECT_EQ(junit_tree(r).all("testsuite")[0]->at("timestamp"), "2024-02-29T01:00:00");
    r.started_at = "yesterday";
    EXPECT_FALSE(junit_tree(r).all("testsuite")[0]->has("timestamp"));
}

}  // namespace
