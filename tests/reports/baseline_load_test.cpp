// The baseline file: {"expected_failures":[{"scenario":..,"check":..}]}.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <unistd.h>

#include "reports/baseline.hpp"

namespace {

using nlohmann::json;

class BaselineFile : public ::testing::Test {
  protected:
    void TearDown() override { std::filesystem::remove(path_); }
    const std::filesystem::path& write(const std::string& text) {
        std::ofstream(path_, std::ios::binary) << text;
        return path_;
    }
    std::filesystem::path path_ =
        std::filesystem::temp_directory_path() /
        ("reports_baseline_" + std::to_string(::getpid()) + "_" +
         ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json");
};

std::string error_of(const json& j) {
    try {
        (void)reports::baseline_from_json(j);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "<no error>";
}

TEST_F(BaselineFile, LoadsEntriesAndIgnoresNotes) {
    const auto b = reports::load_baseline(write(R"({"expected_failures": [
        {"scenario": "basic", "check": "stream.realtime", "reason": "CI runners are slow"},
        {"scenario": "*", "check": "timeout.upstream_stall"}]})"));
    EXPECT_EQ(b.expected.size(), 2u);
    EXPECT_TRUE(b.contains("basic", "stream.realtime"));
    EXPECT_FALSE(b.contains("load", "stream.realtime"));
    EXPECT_TRUE(b.contains("anything", "timeout.upstream_stall"));
}

TEST_F(BaselineFile, WritesWhatItReads) {
    reports::Baseline b;
    b.expected = {{"basic", "stream.order"}, {"*", "errors.clear"}};
    EXPECT_EQ(reports::load_baseline(write(reports::to_json(b).dump(2))), b);
}

TEST_F(BaselineFile, MalformedJsonNamesTheFile) {
    const auto& p = write("{\"expected_failures\": [");
    try {
        (void)reports::load_baseline(p);
        FAIL() << "no exception";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(p.string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
    }
}

TEST(BaselineLoad, MissingFileIsARuntimeError) {
    EXPECT_THROW((void)reports::load_baseline("/nonexistent/baseline.json"), std::runtime_error);
}

TEST(BaselineLoad, BadEntriesAreNamed) {
    EXPECT_EQ(error_of(json::object()), "baseline: expected_failures: missing");
    EXPECT_EQ(error_of({{"expected_failures", {{{"scenario", "s"}}}}}),
              "baseline: expected_failures[0].check: missing");
    EXPECT_EQ(error_of({{"expected_failures", {{{"scenario", "s"}, {"check", ""}}}}}),
              "baseline: expected_failures[0].check: expected a non-empty string");
    EXPECT_EQ(error_of({{"expected_failures", {"stream.order"}}}),
              "baseline: expected_failures[0]: expected an object");
    EXPECT_EQ(error_of(json::array()), "baseline: (root): expected an object");
}

}  // namespace
