// A run folder that cannot be created is a harness error of that scenario, returned like
// every other: run_scenario runs on worker threads, where an escaping exception aborts the
// whole harness.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/runner.hpp"

namespace {

namespace fs = std::filesystem;

TEST(RunnerWorkFolder, UncreatableWorkFolderIsAHarnessErrorNotAnException) {
    const fs::path file = fs::temp_directory_path() / ("runner-wd-" + std::to_string(::getpid()));
    std::ofstream(file) << "a file, so nothing can be created below it";
    const auto sc = harness::parse_scenario(
        R"({"name":"x","checks":["stream.order"],"steps":[{"op":"ping"}]})", "s.json");
    harness::RunOptions o;
    o.work_dir = file / "work";
    o.mock_bin = "/nonexistent/mock-ollama";
    o.server_bin = "/nonexistent/mcp-server";
    harness::ScenarioOutput out;
    EXPECT_NO_THROW(out = harness::run_scenario(sc, o));
    ASSERT_EQ(out.run.harness_errors.size(), 1u);
    EXPECT_THAT(out.run.harness_errors[0], ::testing::HasSubstr("cannot create a run folder in"));
    EXPECT_THAT(out.run.harness_errors[0], ::testing::HasSubstr(file.string()));
    fs::remove(file);
}

}  // namespace
