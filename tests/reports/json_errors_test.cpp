// from_json names the missing or mistyped field by its path.
#include <gtest/gtest.h>

#include <stdexcept>

#include "json_support.hpp"
#include "reports/json.hpp"

namespace {

using namespace reports_test;
using nlohmann::json;

TEST(JsonErrors, MissingTopLevelField) {
    auto j = valid();
    j.erase("tool_version");
    EXPECT_EQ(error_of(j), "report.json: tool_version: missing");
}

TEST(JsonErrors, NestedFieldPath) {
    auto j = valid();
    j["scenarios"][0]["checks"][2].erase("message");
    EXPECT_EQ(error_of(j), "report.json: scenarios[0].checks[2].message: missing");
    j = valid();
    j["scenarios"][0]["checks"][2]["evidence"][0]["token_index"] = -1;
    EXPECT_EQ(error_of(j),
              "report.json: scenarios[0].checks[2].evidence[0].token_index: expected a "
              "non-negative integer");
    j = valid();
    j["scenarios"][0]["metrics"][1]["p99"] = "fast";
    EXPECT_EQ(error_of(j), "report.json: scenarios[0].metrics[1].p99: expected a number");
}

TEST(JsonErrors, WrongTypes) {
    auto j = valid();
    j["seconds"] = "3.5";
    EXPECT_EQ(error_of(j), "report.json: seconds: expected a number");
    j = valid();
    j["scenarios"] = json::object();
    EXPECT_EQ(error_of(j), "report.json: scenarios: expected an array");
    j = valid();
    j["scenarios"][0]["checks"][0]["now_passing_in_baseline"] = 1;
    EXPECT_EQ(error_of(j),
              "report.json: scenarios[0].checks[0].now_passing_in_baseline: expected "
              "true or false");
    j = valid();
    j["scenarios"][0]["checks"][0]["warnings"] = {"ok", 3};
    EXPECT_EQ(error_of(j), "report.json: scenarios[0].checks[0].warnings[1]: expected a string");
    j = valid();
    j["scenarios"][0]["attachments"] = {{{"name", "log"}}};
    EXPECT_EQ(error_of(j), "report.json: scenarios[0].attachments[0].text: missing");
}

TEST(JsonErrors, UnknownStatus) {
    auto j = valid();
    j["scenarios"][0]["checks"][1]["status"] = "PASS";
    EXPECT_EQ(error_of(j),
              "report.json: scenarios[0].checks[1].status: unknown status \"PASS\" (passed, "
              "failed, skipped, error, expected_failure)");
}

TEST(JsonErrors, SchemaVersion) {
    auto j = valid();
    j.erase("schema_version");
    EXPECT_EQ(error_of(j), "report.json: schema_version: missing");
    j["schema_version"] = 3;
    EXPECT_EQ(error_of(j),
              "report.json: schema_version: unsupported version 3 (this reads 1 to 2)");
    j["schema_version"] = 0;
    EXPECT_EQ(error_of(j),
              "report.json: schema_version: unsupported version 0 (this reads 1 to 2)");
}

TEST(JsonErrors, NotAnObject) {
    EXPECT_EQ(error_of(json::array()), "report.json: (root): expected an object");
    EXPECT_EQ(error_of(valid()["scenarios"][0]["checks"][0]["evidence"]),
              "report.json: (root): expected an object");
}

TEST(JsonErrors, UnknownFieldsAreIgnored) {
    auto j = valid();
    j["future_field"] = true;
    j["scenarios"][0]["checks"][0]["future_field"] = 1;
    EXPECT_EQ(reports::from_json(j), one_failure());
}

TEST(JsonErrors, MalformedText) {
    try {
        (void)reports::parse_json("{\"schema_version\": 1,");
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_TRUE(std::string(e.what()).starts_with("report.json: not valid JSON: ")) << e.what();
    }
    // A number too big for a double is nlohmann's out_of_range, not a parse_error.
    try {
        (void)reports::parse_json("{\"schema_version\": 2, \"seconds\": 1e999}");
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_TRUE(std::string(e.what()).starts_with("report.json: not valid JSON: ")) << e.what();
    }
}

}  // namespace
