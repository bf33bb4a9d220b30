// report.json: to_json then from_json (also through text) gives back an equal report.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "reports/json.hpp"
#include "sample_report.hpp"

namespace {

using namespace reports_test;

reports::RunReport rich() {
    auto r = one_failure();
    auto& s = r.scenarios[0];
    s.description = "the tutorial's checklist, \"quoted\", with ünïcödé and a\nnewline";
    s.harness_error = "partial";
    s.attachments.push_back({"server log", "line 1\nline 2\n"});
    s.extra = {{"calls", 12}, {"nested", {{"a", nullptr}, {"b", {1.5, "x"}}}}};
    s.checks[0].warnings = {"w1", "w2"};
    s.checks[1].now_passing_in_baseline = true;
    s.checks[1].item_unit = "rows";
    s.checks[2].evidence.push_back({"", std::nullopt, "", "", "detail only"});
    s.checks[2].seconds = 0.1 + 0.2;  // not representable exactly in decimal
    s.seconds = 1.0 / 3.0;
    auto s2 = scenario("other", {check("errors.clear", Status::expected_failure),
                                 check("x", Status::skipped), check("y", Status::error)});
    r.scenarios.push_back(s2);
    r.options = {{"time_scale", 0.01},
                 {"seed", 42},
                 {"server_url", "ws://127.0.0.1:0/"},
                 {"filter", nullptr},
                 {"jobs", 2}};
    return r;
}

TEST(JsonRoundTrip, InMemory) {
    const auto r = rich();
    EXPECT_EQ(reports::from_json(reports::to_json(r)), r);
}

TEST(JsonRoundTrip, ThroughText) {
    const auto r = rich();
    EXPECT_EQ(reports::parse_json(reports::render_json(r)), r);
}

TEST(JsonRoundTrip, SecondTripGivesTheSameJson) {
    const auto j = reports::to_json(rich());
    EXPECT_EQ(reports::to_json(reports::from_json(j)), j);
}

TEST(JsonRoundTrip, StableFieldNames) {
    const auto j = reports::to_json(rich());
    EXPECT_EQ(j.at("schema_version"), 2);
    for (const char* k :
         {"tool_version", "started_at", "seconds", "options", "summary", "scenarios"}) {
        EXPECT_TRUE(j.contains(k)) << k;
    }
    const auto& s = j.at("scenarios").at(0);
    for (const char* k : {"name", "file", "description", "seconds", "checks", "metrics",
                          "harness_error", "attachments", "extra"}) {
        EXPECT_TRUE(s.contains(k)) << k;
    }
    const auto& c = s.at("checks").at(2);
    EXPECT_EQ(c.at("status"), "failed");
    EXPECT_EQ(c.at("evidence").at(0).at("token_index"), 17);
    EXPECT_TRUE(c.at("evidence").at(1).at("token_index").is_null());
    EXPECT_EQ(s.at("metrics").at(0).at("name"), "ttft");
    EXPECT_EQ(s.at("attachments").at(0).at("name"), "server log");
    EXPECT_EQ(j.at("summary").at("failed"), 1);
    EXPECT_EQ(j.at("summary").at("all_passed"), false);
    EXPECT_EQ(j.at("summary").at("exit_code"), 2);
}

TEST(JsonRoundTrip, EveryStatusSpelling) {
    for (auto st : {Status::passed, Status::failed, Status::skipped, Status::error,
                    Status::expected_failure}) {
        const auto r = run({scenario("s", {check("c", st)})});
        EXPECT_EQ(reports::from_json(reports::to_json(r)).scenarios[0].checks[0].status, st);
    }
    EXPECT_EQ(reports::to_string(Status::expected_failure), "expected_failure");
}

TEST(JsonRoundTrip, NonFiniteNumbersBecomeNullAndComeBackAsNaN) {
    auto r = one_failure();
    r.seconds = std::numeric_limits<double>::infinity();
    const auto j = reports::to_json(r);
    EXPECT_TRUE(j.at("seconds").is_null());
    EXPECT_TRUE(std::isnan(reports::from_json(j).seconds));
}

TEST(JsonRoundTrip, BrokenUtf8StillRenders) {
    auto r = one_failure();
    r.scenarios[0].checks[2].evidence[0].got = "caf\xC3";
    const std::string text = reports::render_json(r);
    EXPECT_EQ(reports::parse_json(text).scenarios[0].checks[2].evidence[0].got, "caf\xEF\xBF\xBD");
}

}  // namespace
