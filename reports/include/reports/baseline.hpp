#pragma once
// Baselines: known failures that must not turn CI red, kept in a JSON file
//
//   {"expected_failures": [
//      {"scenario": "checklist_basic", "check": "stream.realtime", "reason": "optional note"},
//      {"scenario": "*", "check": "timeout.upstream_stall"}]}
//
// "*" matches every scenario; other fields of an entry are ignored (room for notes).
#include <filesystem>
#include <set>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "reports/report.hpp"

namespace reports {

inline constexpr const char* kAnyScenario = "*";

struct Baseline {
    std::set<std::pair<std::string, std::string>> expected;  // (scenario or "*", check id)

    bool contains(const std::string& scenario, const std::string& check) const;
    bool operator==(const Baseline&) const = default;
};

// Throw std::invalid_argument naming the file and the bad entry (or std::runtime_error when
// the file cannot be read).
Baseline load_baseline(const std::filesystem::path& path);
Baseline baseline_from_json(const nlohmann::json& j);
nlohmann::json to_json(const Baseline& baseline);

// A baseline that expects exactly the current failures (for `--write-baseline`).
Baseline baseline_from_failures(const RunReport& report);

// failed -> expected_failure for listed checks; a listed check that passed gets
// now_passing_in_baseline. Errors, skips and harness errors are never masked.
void apply_baseline(RunReport& report, const Baseline& baseline);

}  // namespace reports
