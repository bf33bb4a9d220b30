// The real mcp-harness binary given bad input: each mistake is a clear message and exit code
// 2, found before anything runs, and never an abort or a hang.
#include <sys/stat.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/child_process.hpp"
#include "support/processes.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kTiny =
    R"({"name":"tiny","checks":["stream.order"],"steps":[{"op":"initialize"},{"op":"ping"}]})";

struct Result {
    int status = -1;  // exit code, 128 + signal, or -1 when it had to be killed
    std::string err;
};

// Runs mcp-harness with `args`; kills it after `limit`.
Result harness(const std::vector<std::string>& args, const fs::path& dir,
               std::chrono::seconds limit = std::chrono::seconds(20)) {
    std::vector<std::string> argv = {MCP_HARNESS_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto log = dir / "harness.stderr";
    common::ChildProcess child({.argv = argv, .stderr_file = log});
    Result r;
    r.status = child.wait_exit(limit);
    if (r.status == -1) child.stop(std::chrono::seconds(1));
    std::ifstream in(log);
    std::stringstream ss;
    ss << in.rdbuf();
    r.err = ss.str();
    return r;
}

void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
}

TEST(HarnessCli, ValidateOfAFolderWithoutScenariosFails) {
    test_support::TempDir dir("cli-bad");
    const auto empty = dir.path() / "empty";
    fs::create_directories(empty);
    const auto r = harness({"validate", empty.string()}, dir.path());
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(empty.string() + ": no scenario files (*.json"));
}

TEST(HarnessCli, RunOfAFolderWithoutScenariosNamesTheFolder) {
    test_support::TempDir dir("cli-bad");
    const auto empty = dir.path() / "empty";
    fs::create_directories(empty);
    const auto r =
        harness({"run", empty.string(), "--out", (dir.path() / "out").string()}, dir.path());
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(empty.string() + ": no scenario files (*.json"));
}

TEST(HarnessCli, ValidateRefusesAFaultTheRunWouldRefuse) {
    test_support::TempDir dir("cli-bad");
    const auto file = dir.path() / "bogus.json";
    write(file,
          "{\"name\":\"b\",\"checks\":[\"stream.order\"],\n"
          "\"steps\":[{\"op\":\"generate\",\"fault\":\"bogus\"}]}");
    const auto r = harness({"validate", file.string()}, dir.path());
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(file.string() + ":2:35: steps[0].fault: unknown fault 'bogus'"));
}

TEST(HarnessCli, ValidateOfDeepNestingEndsWithItsPlace) {
    test_support::TempDir dir("cli-bad");
    const auto file = dir.path() / "deep.json";
    write(file, R"({"name":"d","checks":["stream.order"],"steps":)" + std::string(257, '[') +
                    std::string(257, ']') + "}");
    const auto r = harness({"validate", file.string()}, dir.path(), std::chrono::seconds(10));
    ASSERT_NE(r.status, -1) << "mcp-harness validate did not finish";
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(file.string() + ":1:"));
    EXPECT_THAT(r.err, HasSubstr("nested deeper than 256 levels"));
}

TEST(HarnessCli, ValidateOfAFifoDoesNotBlock) {
    test_support::TempDir dir("cli-bad");
    const auto fifo = dir.path() / "fifo.json";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto r = harness({"validate", fifo.string()}, dir.path(), std::chrono::seconds(10));
    ASSERT_NE(r.status, -1) << "mcp-harness validate blocked on a FIFO";
    EXPECT_EQ(r.status, 2);
    EXPECT_THAT(r.err, HasSubstr("fifo.json:1:1: not a regular file"));
}

TEST(HarnessCli, RunWithAnUnwritableOutFailsBeforeRunning) {
    test_support::TempDir dir("cli-bad");
    const auto scenario = dir.path() / "tiny.json";
    write(scenario, kTiny);
    write(dir.path() / "a-file", "x");
    const auto out = dir.path() / "a-file" / "reports";  // below a file: cannot be created
    const auto r = harness(
        {"run", scenario.string(), "--out", out.string(), "--time-scale", "0.01"}, dir.path());
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("mcp-harness: --out: cannot create the folder " + out.string()));
}

TEST(HarnessCli, RunWithABadBaselineFailsBeforeRunning) {
    test_support::TempDir dir("cli-bad");
    const auto scenario = dir.path() / "tiny.json";
    write(scenario, kTiny);
    const auto baseline = dir.path() / "baseline.json";
    write(baseline, R"({"expected_failures": [{"scenario": "tiny"}]})");
    const auto out = dir.path() / "out";
    const auto r = harness({"run", scenario.string(), "--out", out.string(), "--baseline",
                            baseline.string(), "--time-scale", "0.01"},
                           dir.path());
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("expected_failures[0].check: missing"));
    EXPECT_FALSE(fs::exists(out / "work")) << "a scenario ran before the baseline was read";
}

TEST(HarnessCli, RunWithAMissingPatientsFileFailsBeforeRunning) {
    test_support::TempDir dir("cli-bad");
    const auto scenario = dir.path() / "tiny.json";
    write(scenario, kTiny);
    const auto out = dir.path() / "out";
    const auto r = harness({"run", scenario.string(), "--out", out.string(), "--server-url",
                            "ws://127.0.0.1:1/mcp", "--ollama-url", "http://127.0.0.1:1",
                            "--patients-csv", (dir.path() / "nope.csv").string()},
                           dir.path());
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("--patients-csv: "));
    EXPECT_FALSE(fs::exists(out / "work"));
}

TEST(HarnessCli, ReportIntoAnUnwritableFolderIsAMessageNotAnAbort) {
    test_support::TempDir dir("cli-bad");
    const auto report = dir.path() / "report.json";
    write(report,
          R"({"schema_version":1,"tool_version":"0.1.0","started_at":"2024-01-01T00:00:00Z",)"
          R"("seconds":1,"options":{},"scenarios":[]})");
    write(dir.path() / "a-file", "x");
    const auto r = harness(
        {"report", "--from", report.string(), "--out", (dir.path() / "a-file" / "r").string()},
        dir.path());
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr("mcp-harness report: cannot create the folder "));
    EXPECT_THAT(r.err, Not(HasSubstr("terminate")));
}

// A saved run with one scenario "s", and its samples.jsonl beside it.
constexpr const char* kSavedReport =
    R"({"schema_version":2,"tool_version":"0.1.0","started_at":"2024-01-01T00:00:00Z",)"
    R"("seconds":1,"options":{},"scenarios":[{"name":"s","file":"s.json","description":"",)"
    R"("seconds":1,"checks":[],"metrics":[],"harness_error":"","attachments":[],"extra":{}}]})";
constexpr const char* kSavedSamples =
    "{\"samples_version\":1}\n"
    R"x({"scenario":"s","call":"client 0 steps[1] generate P001 (id 3)","client":0,)x"
    R"("patient":"P001","outcome":"ok","sent_us":10,"response_us":900,)"
    R"("arrived_delta_us":[300,200,-1],"emitted_delta_us":[250,200]})"
    "\n";

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// report --from re-renders with the samples: they are read from beside report.json and
// written again, unchanged.
TEST(HarnessCli, ReportFromCarriesTheSamples) {
    test_support::TempDir dir("cli-bad");
    write(dir.path() / "run" / "report.json", kSavedReport);
    write(dir.path() / "run" / "samples.jsonl", kSavedSamples);
    const auto r = harness({"report", "--from", (dir.path() / "run" / "report.json").string(),
                            "--out", (dir.path() / "again").string()},
                           dir.path());
    EXPECT_EQ(r.status, 2) << r.err;  // no check at all: exit code 2, not a harness error
    EXPECT_THAT(r.err, Not(HasSubstr("samples.jsonl")));
    EXPECT_EQ(slurp(dir.path() / "again" / "samples.jsonl"), kSavedSamples);
}

TEST(HarnessCli, ReportFromWithBrokenSamplesNamesTheFileAndLine) {
    test_support::TempDir dir("cli-bad");
    write(dir.path() / "run" / "report.json", kSavedReport);
    write(dir.path() / "run" / "samples.jsonl",
          std::string(kSavedSamples) + R"({"scenario":"gone","call":"x"})" + "\n");
    const auto r = harness({"report", "--from", (dir.path() / "run" / "report.json").string(),
                            "--out", (dir.path() / "again").string()},
                           dir.path());
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_THAT(r.err,
                HasSubstr("mcp-harness report: " + (dir.path() / "run" / "samples.jsonl").string() +
                          ":3: client: missing"));
    EXPECT_THAT(r.err, Not(HasSubstr("terminate")));
    EXPECT_FALSE(fs::exists(dir.path() / "again" / "samples.jsonl"));
}

}  // namespace
