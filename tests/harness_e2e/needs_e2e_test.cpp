// The real mcp-harness given a scenario that needs more than any test machine has: the run is
// refused before it starts (no mock, no server, no client), exit code 2, and the report says
// what is needed, what this machine has and how to shard it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/child_process.hpp"
#include "support/processes.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(HarnessNeeds, AScenarioNeedingSixtyFourCoresIsRefusedWithHowToShardIt) {
    test_support::TempDir dir("needs-e2e");
    const auto file = dir.path() / "big.json";
    std::ofstream(file) << R"({"name":"big","checks":["stream.order"],"clients":64,)"
                           R"("shard_by":"clients","needs":{"cores":64,"fds":200},)"
                           R"("steps":[{"op":"initialize"}]})";
    const auto out = dir.path() / "out";
    common::ChildProcess child({.argv = {MCP_HARNESS_BIN, "run", file.string(), "--out",
                                         out.string(), "--format", "json,md"},
                                .stderr_file = dir.path() / "stderr"});
    const int status = child.wait_exit(std::chrono::seconds(30));
    ASSERT_EQ(status, 2) << read_text(dir.path() / "stderr");

    const auto report = nlohmann::json::parse(read_text(out / "report.json"));
    const auto& sc = report.at("scenarios").at(0);
    const std::string text = sc.dump();
    EXPECT_THAT(text, HasSubstr("big needs 64 cores and 200 fds (64 clients)"));
    EXPECT_THAT(text, HasSubstr("this machine has "));
    EXPECT_THAT(text, HasSubstr("run it as --shard I/"));
    EXPECT_THAT(text, HasSubstr("docs/scale-out.md"));
    // Refused before anything ran: no call was made.
    EXPECT_THAT(text, Not(HasSubstr("\"initialize\"")));
    EXPECT_THAT(read_text(out / "checklist.md"), HasSubstr("big needs 64 cores"));
}

}  // namespace
