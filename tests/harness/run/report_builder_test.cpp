// The report builder: a scenario's recorded run decided into its result (checks, metrics,
// per-call rows, attachments), the run finished (tokens, CPU), the reports written.
#include "harness/report_builder.hpp"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "run_builder.hpp"
#include "support/processes.hpp"

namespace harness {
namespace {

namespace fs = std::filesystem;
using reports::Status;
using namespace harness::testing;

ScenarioOutput recorded(RunBuilder& b) {
    b.scenario.name = "streaming";
    b.scenario.file = "scenarios/checklist/streaming.json";
    b.scenario.description = "one call, streamed";
    b.scenario.clients = 1;
    b.scenario.checks = {"stream.upstream_streaming", std::string(reports::kSuiteAllPass)};
    b.generate({});
    ScenarioOutput out;
    out.run = b.run();
    out.seconds = 1.5;
    out.attachments = {{"server.log", "started"}};
    return out;
}

TEST(ReportBuilderDecide, APassingRunHasItsChecksMetricsAndCallsButNoAttachments) {
    RunBuilder b;
    const auto out = recorded(b);
    const auto r = decide(b.scenario, out);
    EXPECT_EQ(r.name, "streaming");
    EXPECT_EQ(r.file, "scenarios/checklist/streaming.json");
    EXPECT_EQ(r.description, "one call, streamed");
    EXPECT_EQ(r.seconds, 1.5);
    EXPECT_EQ(r.harness_error, "");
    ASSERT_EQ(r.checks.size(), 1u);  // the suite rollup is the run's, not the scenario's
    EXPECT_EQ(r.checks[0].id, "stream.upstream_streaming");
    EXPECT_EQ(r.checks[0].status, Status::passed);
    EXPECT_FALSE(r.metrics.empty());
    EXPECT_EQ(r.extra.at("tokens_received"), 7u);
    EXPECT_EQ(r.extra.at("clients"), 1u);
    const auto& calls = r.extra.at("calls");
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].at("client"), 0u);
    EXPECT_EQ(calls[0].at("step"), "steps[0]");
    EXPECT_EQ(calls[0].at("patient"), "P001");
    EXPECT_EQ(calls[0].at("ok"), true);
    EXPECT_EQ(calls[0].at("tokens"), 7u);
    EXPECT_EQ(calls[0].size(), 12u);
    EXPECT_TRUE(r.attachments.empty());
}

TEST(ReportBuilderDecide, TheClientsSpanCpuIsReportedPerTokenForEachProcessMeasured) {
    RunBuilder b;
    auto out = recorded(b);
    EXPECT_FALSE(decide(b.scenario, out).extra.contains("cpu_during_clients"));  // not measured
    out.run.clients_cpu_s = 0.0007;  // 7 tokens: 100 us each
    const auto harness_only = decide(b.scenario, out).extra.at("cpu_during_clients");
    EXPECT_DOUBLE_EQ(harness_only.at("harness_s"), 0.0007);
    EXPECT_NEAR(harness_only.at("harness_us_per_token").get<double>(), 100.0, 1e-9);
    EXPECT_FALSE(harness_only.contains("server_s"));  // a server of the user's own
    out.run.server_clients_cpu_s = 0.0014;
    const auto both = decide(b.scenario, out).extra.at("cpu_during_clients");
    EXPECT_NEAR(both.at("server_us_per_token").get<double>(), 200.0, 1e-9);
    EXPECT_NEAR(both.at("harness_us_per_token").get<double>(), 100.0, 1e-9);
}

TEST(ReportBuilderDecide, AFailedCheckBringsTheAttachments) {
    RunBuilder b;
    auto out = recorded(b);
    out.run.mock_requests[0].stream = false;  // the server asked for one whole response
    const auto r = decide(b.scenario, out);
    ASSERT_EQ(r.checks.size(), 1u);
    EXPECT_EQ(r.checks[0].status, Status::failed);
    EXPECT_EQ(r.attachments, out.attachments);
}

TEST(ReportBuilderDecide, AHarnessErrorDecidesNothingAndBringsTheAttachments) {
    RunBuilder b;
    auto out = recorded(b);
    out.run.harness_errors = {"mcp-server did not start", "mock-ollama did not start"};
    const auto r = decide(b.scenario, out);
    EXPECT_EQ(r.harness_error, "mcp-server did not start; mock-ollama did not start");
    EXPECT_TRUE(r.checks.empty());
    EXPECT_TRUE(r.metrics.empty());
    EXPECT_TRUE(r.extra.is_null() || r.extra.empty());
    EXPECT_EQ(r.attachments, out.attachments);
}

TEST(ReportBuilderDecide, ACallOtherThanAGenerateHasNoRow) {
    RunBuilder b;
    auto out = recorded(b);
    b.ping(0, "steps[1]", "2", 500);
    out.run = b.run();
    EXPECT_EQ(decide(b.scenario, out).extra.at("calls").size(), 1u);
}

TEST(ReportBuilderErrorResult, NamesTheScenarioAndTheError) {
    Scenario sc;
    sc.name = "s";
    sc.file = "f.json";
    sc.description = "not copied";
    const auto r = harness_error_result(sc, "boom");
    EXPECT_EQ(r.name, "s");
    EXPECT_EQ(r.file, "f.json");
    EXPECT_EQ(r.description, "");
    EXPECT_EQ(r.harness_error, "boom");
}

TEST(ReportBuilderFinish, SumsTheTokensAndRecordsTheCost) {
    reports::RunReport report;
    report.scenarios.resize(3);
    report.scenarios[0].extra["tokens_received"] = 5;
    report.scenarios[2].extra["tokens_received"] = 7;  // [1] had a harness error: no tokens
    CpuTimes cpu;
    cpu.user_s = 1.0;
    cpu.system_s = 0.5;
    EXPECT_EQ(finish_report(report, std::nullopt, cpu), 12u);
    EXPECT_EQ(report.options.at("tokens_received"), 12u);
    EXPECT_EQ(report.options.at("harness_cpu_s"), 1.5);
}

TEST(ReportBuilderFinish, AppliesTheBaseline) {
    reports::RunReport report;
    report.scenarios.resize(1);
    report.scenarios[0].name = "s";
    reports::CheckResult c;
    c.id = "stream.realtime";
    c.status = Status::failed;
    report.scenarios[0].checks.push_back(c);
    reports::Baseline baseline;
    baseline.expected.insert({"s", "stream.realtime"});
    finish_report(report, baseline, CpuTimes{});
    EXPECT_EQ(report.scenarios[0].checks[0].status, Status::expected_failure);
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(ReportBuilderWrite, WritesOnlyTheChosenFormats) {
    const test_support::TempDir temp("harness-reports");
    const auto& dir = temp.path();
    reports::RunReport report;
    write_reports(report, dir / "out", {"md", "json"}, "");
    EXPECT_TRUE(fs::exists(dir / "out" / "checklist.md"));
    EXPECT_TRUE(fs::exists(dir / "out" / "report.json"));
    EXPECT_FALSE(fs::exists(dir / "out" / "junit.xml"));
    write_reports(report, dir / "none", {}, "");
    EXPECT_TRUE(fs::is_empty(dir / "none"));
}

TEST(ReportBuilderWrite, AppendsTheChecklistToTheStepSummary) {
    const test_support::TempDir temp("harness-reports");
    const auto& dir = temp.path();
    reports::RunReport report;
    const auto summary = dir / "summary.md";
    std::ofstream(summary) << "before\n";
    write_reports(report, dir / "out", {"md"}, summary.string());
    EXPECT_EQ(read(summary), "before\n" + read(dir / "out" / "checklist.md") + "\n");
}

TEST(ReportBuilderWrite, ThrowsWhenTheFolderCannotBeMade) {
    const test_support::TempDir temp("harness-reports");
    const auto& dir = temp.path();
    std::ofstream(dir / "file") << "x";
    EXPECT_THROW(write_reports(reports::RunReport{}, dir / "file" / "out", {"md"}, ""),
                 std::runtime_error);
}

TEST(ReportBuilderPrintMetrics, PrintsTheLatencyFiguresOnly) {
    reports::RunReport report;
    report.scenarios.resize(2);
    report.scenarios[0].name = "quiet";
    report.scenarios[0].metrics = {{"tokens_per_s", "tokens/s", 1, 5, 5, 5, 5, 5, {}}};
    report.scenarios[1].name = "streaming";
    report.scenarios[1].metrics = {{"ttft", "ms", 1, 15.94, 15.94, 15.94, 16.0, 15.94, {}}};
    ::testing::internal::CaptureStdout();
    print_metrics(report);
    EXPECT_EQ(::testing::internal::GetCapturedStdout(),
              "\nlatency per scenario (definitions in checklist.md):\n"
              "  streaming:  " +
                  std::string(reports::metric_label("ttft")) + " p50 15.9 p99 15.9 max 16.0 ms\n");
}

TEST(ReportBuilderPrintMetrics, PrintsNothingWithoutLatencyFigures) {
    reports::RunReport report;
    report.scenarios.resize(1);
    ::testing::internal::CaptureStdout();
    print_metrics(report);
    EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
}

}  // namespace
}  // namespace harness
