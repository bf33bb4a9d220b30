#pragma once
// Checks aggregated by id over the scenarios, in CHECKLIST.md order (private to reports):
// the checklist.md and terminal renderers print one line per id.
#include <cstddef>
#include <string>
#include <vector>

#include "reports/report.hpp"

namespace reports::detail {

struct Instance {
    const ScenarioResult* scenario = nullptr;
    const CheckResult* check = nullptr;
};

struct AggregatedCheck {
    std::string id;
    std::string title;  // first non-empty CheckResult::title, else the catalog's
    // failed if any instance failed, else error, else expected_failure, else passed, else
    // skipped (all skipped).
    Status status = Status::skipped;
    std::size_t passed_items = 0;
    std::size_t total_items = 0;
    std::string item_unit;
    bool now_passing_in_baseline = false;
    bool has_warnings = false;
    std::vector<Instance> instances;  // in scenario order
};

// Catalog ids first in catalog order, then unknown ids in order of first appearance. Checks
// with the id `suite.all_pass` are left out: the renderers derive that line themselves.
std::vector<AggregatedCheck> aggregate_checks(const RunReport& report);

// How much a status weighs when instances of one check disagree, higher wins: skipped <
// passed < expected_failure < error < failed.
int severity(Status s);

// passed, skipped or expected_failure: does not count against the run.
bool is_ok(Status s);

// "(12/12 calls)" / "(12/12 calls, 3 scenarios)" / "" when there is nothing to count.
std::string item_count(std::size_t passed, std::size_t total, const std::string& unit,
                       std::size_t scenarios);

}  // namespace reports::detail
