// evaluate_check: from a check id to the function that decides it, through the one check
// table (reports/check_table.inc).
#include <algorithm>
#include <cstdint>
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

double judged_seconds(const ScenarioRun& run) {
    std::int64_t first = 0, last = 0;
    for (const auto& st : run.steps) {
        if (!st.is_call || st.call.sent_steady_us == 0) continue;
        const CallRecord& c = st.call;
        const std::int64_t end = std::max(
            {c.sent_steady_us, c.last_token_steady_us, c.response_steady_us, c.failed_steady_us});
        if (first == 0 || c.sent_steady_us < first) first = c.sent_steady_us;
        last = std::max(last, end);
    }
    return static_cast<double>(last - first) / 1e6;
}

CheckResult evaluate_check(const std::string& id, const ScenarioRun& run) {
    CheckResult r = decide(checks::find_check(id), id, run);
    r.id = id;
    r.seconds = judged_seconds(run);
    return r;
}

}  // namespace harness
