#include "aggregate.hpp"

#include <algorithm>
#include <map>

namespace reports::detail {

int severity(Status s) {
    switch (s) {
        case Status::skipped:
            return 0;
        case Status::passed:
            return 1;
        case Status::expected_failure:
            return 2;
        case Status::error:
            return 3;
        case Status::failed:
            return 4;
    }
    return 3;
}

bool is_ok(Status s) {
    return s == Status::passed || s == Status::skipped || s == Status::expected_failure;
}

std::vector<AggregatedCheck> aggregate_checks(const RunReport& report) {
    std::vector<AggregatedCheck> out;
    std::map<std::string, std::size_t, std::less<>> index;
    for (const auto& scenario : report.scenarios) {
        for (const auto& check : scenario.checks) {
            if (check.id == kSuiteAllPass) continue;
            auto [it, inserted] = index.try_emplace(check.id, out.size());
            if (inserted) {
                AggregatedCheck a;
                a.id = check.id;
                a.status = check.status;
                out.push_back(std::move(a));
            }
            AggregatedCheck& a = out[it->second];
            if (a.title.empty()) a.title = check.title;
            if (a.item_unit.empty()) a.item_unit = check.item_unit;
            if (severity(check.status) > severity(a.status)) a.status = check.status;
            a.passed_items += check.passed_items;
            a.total_items += check.total_items;
            a.now_passing_in_baseline = a.now_passing_in_baseline || check.now_passing_in_baseline;
            a.has_warnings = a.has_warnings || !check.warnings.empty();
            a.instances.push_back({&scenario, &check});
        }
    }
    for (auto& a : out) {
        if (a.title.empty()) a.title = std::string(catalog_title(a.id));
    }
    // Stable: unknown ids (all the same rank) keep their order of first appearance.
    std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) {
        return catalog_rank(x.id) < catalog_rank(y.id);
    });
    return out;
}

std::string item_count(std::size_t passed, std::size_t total, const std::string& unit,
                       std::size_t scenarios) {
    if (total == 0 && scenarios <= 1) return {};
    std::string s = "(";
    if (total > 0) {
        s += std::to_string(passed) + "/" + std::to_string(total);
        if (!unit.empty()) s += " " + unit;
    }
    if (scenarios > 1) {
        if (total > 0) s += ", ";
        s += std::to_string(scenarios) + " scenarios";
    }
    return s + ")";
}

}  // namespace reports::detail
