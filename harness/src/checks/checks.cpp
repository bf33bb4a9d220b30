// evaluate_check: from a check id to the function that decides it, through the one check
// table (reports/check_table.inc).
#include <algorithm>
#include <exception>

#include "harness/checks.hpp"

namespace harness {

using reports::CheckResult;
using reports::Status;

namespace checks {

namespace {

constexpr CheckDef kChecks[] = {
#define MSH_CHECK(id, title, function, needs) {id, &function, Needs::needs},
#include "reports/check_table.inc"
#undef MSH_CHECK
};

}  // namespace

std::span<const CheckDef> check_table() {
    return kChecks;
}

const CheckDef* find_check(std::string_view id) {
    const auto it = std::find_if(std::begin(kChecks), std::end(kChecks),
                                 [id](const CheckDef& c) { return c.id == id; });
    return it == std::end(kChecks) ? nullptr : it;
}

}  // namespace checks

namespace {

CheckResult decide(const checks::CheckDef* check, const std::string& id, const ScenarioRun& run) {
    if (check == nullptr) {
        if (id == reports::kSuiteAllPass) {
            return checks::verdict(
                Status::error,
                "suite.all_pass is the rollup of a whole run, not a check of one scenario run");
        }
        return checks::verdict(Status::error, "unknown check id '" + id + "'");
    }
    if (check->needs == checks::Needs::summaries_csv && !run.summaries_csv_known) {
        return checks::verdict(Status::skipped,
                               "the server's summaries CSV is not reachable: pass --summaries-csv");
    }
    // A record the check did not foresee (a JSON shape, say) is a harness problem, reported
    // as such rather than taken for a verdict.
    try {
        return check->decide(run);
    } catch (const std::exception& e) {
        return checks::verdict(Status::error,
                               std::string("the check could not be evaluated: ") + e.what());
    }
}

}  // namespace

CheckResult evaluate_check(const std::string& id, const ScenarioRun& run) {
    CheckResult r = decide(checks::find_check(id), id, run);
    r.id = id;
    return r;
}

}  // namespace harness
