// The real mcp-harness over each transport against our real mcp-server and mock-ollama: a
// checklist scenario that streams in both forms runs unchanged over http and stdio, every
// stream check passes, compat.both_stream_forms is "not applicable" (never passed) off
// WebSocket, the report says what was tested, and samples.jsonl has every call's tokens.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/child_process.hpp"
#include "support/processes.hpp"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Run {
    int status = -1;
    std::string err;  // the summary goes to stdout; the report says the rest
    nlohmann::json report;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// `mcp-harness run` on the both-stream-forms checklist scenario at a hundredth of real time.
Run harness_run(const fs::path& dir, const std::vector<std::string>& extra) {
    std::vector<std::string> argv = {
        MCP_HARNESS_BIN,
        "run",
        std::string(SCENARIOS_DIR) + "/checklist/02_both_stream_forms.json",
        "--time-scale",
        "0.01",
        "--out",
        (dir / "out").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    common::ChildProcess child({.argv = argv, .stderr_file = dir / "stderr"});
    Run r;
    r.status = child.wait_exit(std::chrono::seconds(120));
    if (r.status == -1) child.stop(std::chrono::seconds(1));
    r.err = slurp(dir / "stderr");
    const std::string json = slurp(dir / "out" / "report.json");
    if (!json.empty()) r.report = nlohmann::json::parse(json, nullptr, false);
    return r;
}

// check id -> status, of the run's only scenario.
std::map<std::string, std::string> statuses(const nlohmann::json& report) {
    std::map<std::string, std::string> out;
    for (const auto& c : report["scenarios"][0]["checks"]) {
        out[c["id"].get<std::string>()] = c["status"].get<std::string>();
    }
    return out;
}

// samples.jsonl beside report.json: a line per generate call whose arrivals are the tokens the
// report counted for that call, in the order report.json lists the calls; and every metric's
// histogram holds as many values as the metric.
void expect_samples_and_histograms(const fs::path& out, const nlohmann::json& report) {
    std::istringstream lines(slurp(out / "samples.jsonl"));
    std::string line;
    ASSERT_TRUE(std::getline(lines, line));
    EXPECT_EQ(line, R"({"samples_version":1})");
    const auto& calls = report["scenarios"][0]["extra"]["calls"];
    ASSERT_GT(calls.size(), 0u);
    for (const auto& c : calls) {
        ASSERT_TRUE(std::getline(lines, line)) << "no samples line for " << c.dump();
        const auto s = nlohmann::json::parse(line);
        EXPECT_EQ(s["scenario"], report["scenarios"][0]["name"]);
        EXPECT_EQ(s["outcome"], "ok");
        EXPECT_EQ(s["arrived_delta_us"].size(), c["tokens"].get<std::size_t>()) << line;
        EXPECT_EQ(s["emitted_delta_us"].size(), c["tokens"].get<std::size_t>()) << line;
        std::int64_t last = 0;
        for (const auto& d : s["arrived_delta_us"]) last += d.get<std::int64_t>();
        EXPECT_GT(last, s["sent_us"].get<std::int64_t>()) << line;
        EXPECT_LE(last, s["response_us"].get<std::int64_t>()) << line;
    }
    EXPECT_FALSE(std::getline(lines, line)) << "one line too many: " << line;
    const auto& metrics = report["scenarios"][0]["metrics"];
    ASSERT_GT(metrics.size(), 0u);
    EXPECT_EQ(report["schema_version"], 2);
    for (const auto& m : metrics) {
        ASSERT_TRUE(m["histogram"].is_object()) << m.dump();
        EXPECT_EQ(m["histogram"]["count"], m["count"]) << m.dump();
    }
}

void expect_streams_over(const std::string& transport) {
    test_support::TempDir dir("harness-transport");
    const auto r = harness_run(dir.path(), {"--transport", transport});
    ASSERT_EQ(r.status, 0) << r.err;
    ASSERT_TRUE(r.report.is_object()) << r.err;
    EXPECT_EQ(r.report["options"]["transport"], transport);
    EXPECT_EQ(r.report["options"]["protocol_version"], "2025-11-25");
    const auto s = statuses(r.report);
    EXPECT_EQ(s.at("compat.both_stream_forms"), "skipped");
    for (const auto& [id, status] : s) {
        if (id != "compat.both_stream_forms") {
            EXPECT_EQ(status, "passed") << id;
        }
    }
    expect_samples_and_histograms(dir.path() / "out", r.report);
    const std::string md = slurp(dir.path() / "out" / "checklist.md");
    EXPECT_THAT(md, HasSubstr("transport=" + transport));
    EXPECT_THAT(md, HasSubstr("not applicable over " + transport));
}

TEST(HarnessTransports, TheScenarioStreamsOverHttp) {
    expect_streams_over("http");
}

TEST(HarnessTransports, TheScenarioStreamsOverStdio) {
    expect_streams_over("stdio");
}

// Over WebSocket the same scenario exercises both forms: the check passes there.
TEST(HarnessTransports, OverWebSocketBothFormsAreJudged) {
    test_support::TempDir dir("harness-transport");
    const auto r = harness_run(dir.path(), {"--transport", "ws"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(statuses(r.report).at("compat.both_stream_forms"), "passed");
    EXPECT_EQ(r.report["options"]["transport"], "ws");
    expect_samples_and_histograms(dir.path() / "out", r.report);
}

// The stateless revision over HTTP: no initialize, every request carries its version.
TEST(HarnessTransports, TheStatelessRevisionOverHttp) {
    test_support::TempDir dir("harness-transport");
    const auto r =
        harness_run(dir.path(), {"--transport", "http", "--protocol-version", "2026-07-28"});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.report["options"]["protocol_version"], "2026-07-28");
}

}  // namespace
