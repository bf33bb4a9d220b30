// The regression gate's command line: `compare OLD NEW` and `run --compare-to` with
// --max-regression, --thresholds, --min-change and --min-count, resolved through the same
// setup_cli + resolve the binary uses; each malformed value is refused naming the option.
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/parsed_line.hpp"
#include "reports/json.hpp"
#include "support/processes.hpp"

namespace harness::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A folder holding a report.json of one scenario, and a bare report.json file.
class GateOptions : public ::testing::Test {
  protected:
    void SetUp() override {
        reports::RunReport r;
        r.scenarios.push_back({});
        r.scenarios[0].name = "s";
        fs::create_directories(dir_.path() / "old");
        std::ofstream(dir_.path() / "old" / "report.json") << reports::render_json(r);
        std::ofstream(dir_.path() / "new.json") << reports::render_json(r);
    }
    std::string old_dir() const { return (dir_.path() / "old").string(); }
    std::string new_file() const { return (dir_.path() / "new.json").string(); }
    test_support::TempDir dir_{"gate-options"};
};

TEST_F(GateOptions, CompareDefaults) {
    const auto r = parsed("compare " + old_dir() + " " + new_file());
    ASSERT_EQ(r.command, Command::compare);
    EXPECT_EQ(r.compare.gate.old_run.label, old_dir() + "/report.json");
    EXPECT_EQ(r.compare.new_run.label, new_file());
    EXPECT_EQ(r.compare.gate.out, "harness-report");
    EXPECT_EQ(r.compare.gate.options.thresholds, reports::CompareOptions::default_thresholds());
    EXPECT_EQ(r.compare.gate.options.min_count, 10u);
    EXPECT_EQ(r.compare.gate.options.min_change.at("ms"), 0.5);
}

TEST_F(GateOptions, EveryGateOption) {
    const auto r = parsed("compare " + old_dir() + " " + new_file() +
                          " --out cmp --max-regression ttft.p50=5% --min-change 2ms "
                          "--min-count 3");
    EXPECT_EQ(r.compare.gate.out, "cmp");
    EXPECT_EQ(r.compare.gate.options.thresholds, reports::parse_thresholds("ttft.p50=5%"));
    EXPECT_EQ(r.compare.gate.options.min_change.at("ms"), 2.0);
    EXPECT_EQ(r.compare.gate.options.min_count, 3u);
    const auto file = dir_.path() / "t.json";
    std::ofstream(file) << R"({"max_regression": {"e2e.max": "1ms"}, "min_count": 4})";
    const auto f =
        parsed("compare " + old_dir() + " " + new_file() + " --thresholds " + file.string());
    EXPECT_EQ(f.compare.gate.options.thresholds, reports::parse_thresholds("e2e.max=1ms"));
    EXPECT_EQ(f.compare.gate.options.min_count, 4u);
}

TEST_F(GateOptions, RunCompareTo) {
    const auto r = parsed("run --compare-to " + old_dir() + " --max-regression itl.p99=1ms");
    ASSERT_TRUE(r.run.gate.has_value());
    EXPECT_EQ(r.run.gate->old_run.label, old_dir() + "/report.json");
    EXPECT_EQ(r.run.gate->out, "harness-report");  // beside the run's own reports
    EXPECT_EQ(r.run.gate->options.thresholds, reports::parse_thresholds("itl.p99=1ms"));
    EXPECT_FALSE(parsed("run").run.gate.has_value());
}

TEST_F(GateOptions, MalformedValuesNameTheOption) {
    const std::string both = "compare " + old_dir() + " " + new_file();
    EXPECT_THAT(rejected(both + " --max-regression ttft.p99=10"),
                HasSubstr("--max-regression: 'ttft.p99=10': missing unit"));
    EXPECT_THAT(rejected(both + " --max-regression bogus.p99=1%"),
                HasSubstr("--max-regression: 'bogus.p99=1%': unknown metric 'bogus'"));
    EXPECT_THAT(rejected(both + " --min-change 2"), HasSubstr("--min-change: '2': missing unit"));
    EXPECT_THAT(rejected(both + " --thresholds /nonexistent.json"),
                HasSubstr("--thresholds: cannot open /nonexistent.json"));
    const auto bad = dir_.path() / "bad.json";
    std::ofstream(bad) << "{";
    EXPECT_THAT(rejected(both + " --thresholds " + bad.string()),
                HasSubstr("--thresholds: thresholds file: not JSON"));
    EXPECT_THAT(rejected(both + " --thresholds " + bad.string() + " --max-regression ttft.p99=1%"),
                HasSubstr("give one"));
    EXPECT_THAT(rejected("compare " + old_dir() + " /nowhere"),
                HasSubstr("/nowhere: no report.json there"));
    EXPECT_THAT(rejected("compare " + old_dir() + " " + bad.string()),
                HasSubstr(bad.string() + ": not a readable report.json"));
    EXPECT_THAT(rejected("run --max-regression ttft.p99=1%"), HasSubstr("go with --compare-to"));
    EXPECT_THAT(rejected("run --compare-to /nowhere"), HasSubstr("/nowhere: no report.json"));
}

TEST_F(GateOptions, CompareNeedsBothReports) {
    EXPECT_THROW(parsed("compare " + old_dir()), CLI::ParseError);
    EXPECT_THROW(parsed("compare " + old_dir() + " " + new_file() + " --min-count x"),
                 CLI::ParseError);
}

}  // namespace
}  // namespace harness::cli
