#pragma once
// Small reports for the renderer tests.
#include <cstddef>
#include <string>
#include <utility>

#include "reports/report.hpp"

namespace reports_test {

using reports::CheckResult;
using reports::RunReport;
using reports::ScenarioResult;
using reports::Status;

inline CheckResult check(std::string id, Status status, std::size_t passed = 0,
                         std::size_t total = 0) {
    CheckResult c;
    c.id = std::move(id);
    c.status = status;
    c.passed_items = passed;
    c.total_items = total;
    c.seconds = 0.25;
    return c;
}

inline ScenarioResult scenario(std::string name, std::vector<CheckResult> checks) {
    ScenarioResult s;
    s.name = std::move(name);
    s.file = "scenarios/" + s.name + ".json";
    s.seconds = 1.5;
    s.checks = std::move(checks);
    return s;
}

inline RunReport run(std::vector<ScenarioResult> scenarios) {
    RunReport r;
    r.tool_version = "0.1.0";
    r.started_at = "2025-01-31T12:00:00.250Z";
    r.seconds = 3.5;
    r.options = {{"time_scale", 0.01}, {"seed", 42}};
    r.scenarios = std::move(scenarios);
    return r;
}

// One scenario, one failing check (stream.order) with evidence, the others passing.
inline RunReport one_failure() {
    CheckResult order = check("stream.order", Status::failed, 11, 12);
    order.message = "token 17 of call summarize#3 arrived out of order";
    order.evidence.push_back({"summarize#3", 17, "Blood", "pressure", "position 92 after 97"});
    ScenarioResult s =
        scenario("checklist_basic",
                 {check("stream.upstream_streaming", Status::passed, 12, 12),
                  check("stream.tokens_delivered", Status::passed, 12, 12), std::move(order)});
    s.metrics.push_back(reports::summarize("ttft", "ms", {41.0, 43.5, 39.2, 120.0}));
    s.metrics.push_back(reports::summarize("itl", "ms", {10.1, 9.8, 10.4, 12.0, 30.2}));
    return run({std::move(s)});
}

}  // namespace reports_test
