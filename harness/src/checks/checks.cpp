// evaluate_check: from a check id to the function that decides it.
#include "harness/checks.hpp"

#include <exception>
#include <map>

namespace harness {

using reports::CheckResult;
using reports::Status;

namespace {

using CheckFn = CheckResult (*)(const ScenarioRun&);

const std::map<std::string, CheckFn>& check_table() {
    static const std::map<std::string, CheckFn> table = {
        {"stream.upstream_streaming", &checks::stream_upstream_streaming},
        {"stream.tokens_delivered", &checks::stream_tokens_delivered},
        {"stream.realtime", &checks::stream_realtime},
        {"stream.order", &checks::stream_order},
        {"stream.final_matches", &checks::stream_final_matches},
        {"csv.complete_saved", &checks::csv_complete_saved},
        {"csv.integrity", &checks::csv_integrity},
        {"timeout.long_generation", &checks::timeout_long_generation},
        {"timeout.upstream_stall", &checks::timeout_upstream_stall},
        {"compat.non_streaming", &checks::compat_non_streaming},
        {"compat.both_stream_forms", &checks::compat_both_stream_forms},
        {"concurrency.isolation", &checks::concurrency_isolation},
        {"errors.clear", &checks::errors_clear},
    };
    return table;
}

CheckResult error_result(const std::string& id, std::string message) {
    CheckResult r;
    r.id = id;
    r.status = Status::error;
    r.message = std::move(message);
    return r;
}

}  // namespace

CheckResult evaluate_check(const std::string& id, const ScenarioRun& run) {
    const auto it = check_table().find(id);
    if (it == check_table().end()) {
        if (id == reports::kSuiteAllPass) {
            return error_result(id,
                                "suite.all_pass is the rollup of a whole run, not a check of "
                                "one scenario run");
        }
        return error_result(id, "unknown check id '" + id + "'");
    }
    // A record the check did not foresee (a JSON shape, say) is a harness problem, reported
    // as such rather than taken for a verdict.
    try {
        CheckResult r = it->second(run);
        r.id = id;
        return r;
    } catch (const std::exception& e) {
        return error_result(id, std::string("the check could not be evaluated: ") + e.what());
    }
}

}  // namespace harness
