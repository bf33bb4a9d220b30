#pragma once
// From recorded runs to the report: each scenario's verdicts (decide), the run's own cost
// (finish_report), and the report written to files and printed. The command line only calls
// these; the checks themselves are in checks/.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "harness/proc_stats.hpp"
#include "harness/runner.hpp"
#include "harness/scenario.hpp"
#include "reports/baseline.hpp"
#include "reports/report.hpp"

namespace harness {

// A scenario's result: its checks evaluated on the recorded run (none when the run itself
// failed: that is a harness error), its metrics, and the logs attached when something failed.
reports::ScenarioResult decide(const Scenario& scenario, const ScenarioOutput& output);

// The result of a scenario whose run threw: its name, file and the error, nothing decided.
reports::ScenarioResult harness_error_result(const Scenario& scenario, const std::string& error);

// After the scenarios: the baseline's expected failures applied, and the harness's own CPU
// and the tokens it received recorded in the options, so that its figures can be trusted.
// Returns the tokens received.
std::uint64_t finish_report(reports::RunReport& report,
                            const std::optional<reports::Baseline>& baseline, const CpuTimes& cpu);

// Writes the chosen formats (md, junit, json, html) into `out`, and appends the checklist to
// `step_summary` when that is not empty ($GITHUB_STEP_SUMMARY). Throws std::runtime_error
// with a message on any I/O failure.
void write_reports(const reports::RunReport& report, const std::filesystem::path& out,
                   const std::set<std::string>& formats, const std::string& step_summary);

// The latency figures per scenario (ttft, itl, relay_lag) on stdout: the numbers a person
// looks for first. Prints nothing when no scenario has them.
void print_metrics(const reports::RunReport& report);

}  // namespace harness
