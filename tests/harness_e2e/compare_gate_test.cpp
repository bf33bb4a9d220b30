// The regression gate end to end: the real mcp-harness runs a small streaming scenario
// against our real mcp-server and mock-ollama, then judges runs with `compare` and `run
// --compare-to`. A run against itself: exit 0, "no regression". The same scenario with the
// mock's TTFT raised 30 %: exit 1, the ttft row a regression. Robust to a loaded machine:
// TTFT is 300 ms real (1000 ms at time scale 0.3), so 30 % is 90 ms, far above scheduling
// jitter; 12 clients give 12 TTFT values (the minimum count is 10).
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

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A streaming scenario whose mock answers after `ttft_ms` (scenario time).
fs::path scenario(const fs::path& dir, int ttft_ms) {
    const fs::path file = dir / ("gate_" + std::to_string(ttft_ms) + ".json");
    std::ofstream(file)
        << R"({"name": "gate", "checks": ["stream.tokens_delivered", "stream.order"],
  "mock": {"ttft_ms": )"
        << ttft_ms << R"(, "tps": 50, "tokens": 10}, "clients": 12,
  "steps": [{"op": "initialize"}, {"op": "generate", "form": "progress"}]})";
    return file;
}

struct Result {
    int status = -1;
    std::string err;
};

// mcp-harness with `args`; $GITHUB_STEP_SUMMARY is `summary` ("" unset).
Result harness(const fs::path& dir, const std::vector<std::string>& args,
               const fs::path& summary = {}) {
    std::vector<std::string> argv = {MCP_HARNESS_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    common::ChildProcess::Options o{.argv = argv, .stderr_file = dir / "stderr"};
    if (summary.empty()) {
        o.unset_env = {"GITHUB_STEP_SUMMARY"};
    } else {
        o.env = {{"GITHUB_STEP_SUMMARY", summary.string()}};
    }
    common::ChildProcess child(o);
    Result r;
    r.status = child.wait_exit(std::chrono::seconds(120));
    if (r.status == -1) child.stop(std::chrono::seconds(1));
    r.err = slurp(dir / "stderr");
    return r;
}

Result run(const fs::path& dir, const fs::path& scenario_file, const std::string& out,
           const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"run",   scenario_file.string(), "--time-scale", "0.3",
                                     "--out", (dir / out).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return harness(dir, args);
}

// The compare.md table row of `key` (e.g. "ttft.p99"), or "".
std::string row(const std::string& md, const std::string& key) {
    std::istringstream in(md);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("| `" + key + "` |")) return line;
    }
    return "";
}

class CompareGate : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto r = run(dir_.path(), scenario(dir_.path(), 1000), "old");
        ASSERT_EQ(r.status, 0) << r.err << slurp(dir_.path() / "old" / "checklist.md");
    }
    test_support::TempDir dir_{"compare-gate"};
};

TEST_F(CompareGate, ARunAgainstItselfIsNoRegression) {
    const fs::path summary = dir_.path() / "step_summary.md";
    const auto r = harness(
        dir_.path(),
        {"compare", (dir_.path() / "old").string(), (dir_.path() / "old" / "report.json").string(),
         "--out", (dir_.path() / "self").string()},
        summary);
    EXPECT_EQ(r.status, 0) << r.err;
    const std::string md = slurp(dir_.path() / "self" / "compare.md");
    EXPECT_THAT(md, HasSubstr("**no regression**"));
    EXPECT_THAT(row(md, "ttft.p99"), HasSubstr("| 12/12 | ok |"));
    EXPECT_EQ(slurp(summary), md + "\n");  // appended for the CI job's summary page
    EXPECT_THAT(slurp(dir_.path() / "self" / "compare.xml"), HasSubstr("failures=\"0\""));
}

TEST_F(CompareGate, ThirtyPercentMoreTtftIsARegressionNamingTtft) {
    const auto r = run(dir_.path(), scenario(dir_.path(), 1300), "new",
                       {"--compare-to", (dir_.path() / "old").string()});
    const std::string md = slurp(dir_.path() / "new" / "compare.md");
    EXPECT_EQ(r.status, 1) << r.err << md;
    // The verdict line names it (tokens_per_s_total drops too: the run took longer).
    EXPECT_THAT(
        md, ::testing::ContainsRegex("\\*\\*[0-9]+ regressions?\\*\\*:[^\n]* `gate: ttft.p99`"));
    EXPECT_THAT(row(md, "ttft.p99"), HasSubstr("**regression** |"));
    // The run itself passed: the 1 is the gate's, and its reports were written as usual.
    EXPECT_THAT(slurp(dir_.path() / "new" / "report.json"), HasSubstr("\"exit_code\": 0"));
    EXPECT_THAT(slurp(dir_.path() / "new" / "compare.xml"),
                HasSubstr("name=\"ttft.p99\" time=\"0\">\n      <failure"));
    // `compare` on the two folders says the same.
    const auto c = harness(
        dir_.path(), {"compare", (dir_.path() / "old").string(), (dir_.path() / "new").string(),
                      "--out", (dir_.path() / "cmp").string()});
    EXPECT_EQ(c.status, 1) << c.err;
    EXPECT_THAT(row(slurp(dir_.path() / "cmp" / "compare.md"), "ttft.p99"),
                HasSubstr("**regression** |"));
}

TEST_F(CompareGate, ASecondRunOfTheSameScenarioPassesItsMedianGate) {
    // Two real runs differ by noise only: TTFT p50 within 10 % (30 ms at 300 ms).
    const auto r =
        run(dir_.path(), scenario(dir_.path(), 1000), "again",
            {"--compare-to", (dir_.path() / "old").string(), "--max-regression", "ttft.p50=10%"});
    const std::string md = slurp(dir_.path() / "again" / "compare.md");
    EXPECT_EQ(r.status, 0) << r.err << md;
    const std::string p50 = row(md, "ttft.p50");
    ASSERT_THAT(p50, HasSubstr("| 12/12 |")) << md;
    EXPECT_THAT(p50, Not(HasSubstr("regression")));
}

TEST_F(CompareGate, AMissingOrMalformedInputCannotBeCompared) {
    const auto missing = harness(dir_.path(), {"compare", (dir_.path() / "old").string(),
                                               (dir_.path() / "nowhere").string()});
    EXPECT_EQ(missing.status, 2);
    EXPECT_THAT(missing.err, HasSubstr("nowhere: no report.json there"));
    std::ofstream(dir_.path() / "broken.json") << R"({"schema_version": 1, "scenarios": [)";
    const auto broken = harness(dir_.path(), {"compare", (dir_.path() / "old").string(),
                                              (dir_.path() / "broken.json").string()});
    EXPECT_EQ(broken.status, 2);
    EXPECT_THAT(broken.err, HasSubstr("broken.json: not a readable report.json"));
    const auto bad =
        run(dir_.path(), scenario(dir_.path(), 1000), "bad",
            {"--compare-to", (dir_.path() / "old").string(), "--max-regression", "ttft.p99=10"});
    EXPECT_EQ(bad.status, 2);
    EXPECT_THAT(bad.err, HasSubstr("--max-regression: 'ttft.p99=10': missing unit"));
    EXPECT_FALSE(fs::exists(dir_.path() / "bad" / "report.json"));  // refused before running
}

}  // namespace
