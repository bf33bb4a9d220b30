#pragma once
// One harness run against the fake server: a real mock-ollama child (port 0, time scale
// 0.01), a FakeServer with the given flaw using it, an inline scenario parsed with
// harness::parse_scenario, harness::run_scenario with --server-url semantics, then every
// check of the scenario decided with harness::evaluate_check.
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "fake_server.hpp"
#include "harness/checks.hpp"
#include "harness/runner.hpp"
#include "harness/scenario.hpp"
#include "reports/report.hpp"

namespace harness_e2e {

inline constexpr double kTimeScale = 0.01;

struct E2eRun {
    Flaw flaw = Flaw::none;
    std::unique_ptr<harness::Scenario> scenario;  // output.run points at it
    harness::ScenarioOutput output;
    std::map<std::string, reports::CheckResult> checks;  // every check the scenario names

    const harness::ScenarioRun& run() const { return output.run; }
    // The verdict of `id`; a test failure (and an error result) when the scenario lacks it.
    const reports::CheckResult& check(const std::string& id) const;
    // Client `client`'s record of the step at `path` ("steps[1]"); throws when absent.
    const harness::StepRecord& step(std::string_view path, std::size_t client = 0) const;
    // The mock's token texts for that step's call (empty when no mock request matched).
    std::vector<std::string> mock_tokens(const harness::StepRecord& step) const;
    // Everything the run decided, for assertion messages: harness errors, each check's
    // status, message and evidence.
    std::string report() const;
};

E2eRun run_against(Flaw flaw, std::string_view scenario_json);

// One piece of evidence, on one line: "call | token i | expected … | got … | detail".
std::string describe(const reports::Evidence& e);

// Asserts that the run had no harness error and that every check of its scenario passed.
void expect_all_passed(const E2eRun& run);
// Asserts that check `id` failed; returns it.
const reports::CheckResult& expect_failed(const E2eRun& run, const std::string& id);

// The first evidence item of `result` whose detail contains `detail` and whose call starts
// with `call`; nullptr when none.
const reports::Evidence* find_evidence(const reports::CheckResult& result, std::string_view detail,
                                       std::string_view call = {});

// The number in `text` right after `prefix` ("client span >= 48.0 ms", "client span >= ");
// NaN when there is none.
double number_after(const std::string& text, std::string_view prefix);

}  // namespace harness_e2e
