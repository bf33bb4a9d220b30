#include "reports/report.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "common/enum_names.hpp"
#include "common/percentile.hpp"

namespace reports {

namespace {
// Statuses are written into report.json and read back from it: one table both ways.
constexpr common::EnumNames<Status, 5> kStatusNames{{
    {Status::passed, "passed"},
    {Status::failed, "failed"},
    {Status::skipped, "skipped"},
    {Status::error, "error"},
    {Status::expected_failure, "expected_failure"},
}};
}  // namespace

std::string_view to_string(Status s) {
    return common::enum_name(kStatusNames, s);
}

std::optional<Status> status_from_string(std::string_view s) {
    return common::parse_enum(kStatusNames, s);
}

Distribution summarize(std::string name, std::string unit, std::vector<double> values) {
    Distribution d;
    d.name = std::move(name);
    d.unit = std::move(unit);
    std::erase_if(values, [](double v) { return !std::isfinite(v); });
    if (values.empty()) return d;
    const std::size_t n = values.size();
    d.count = n;
    // Three selections, each in the part above the last, instead of a sort: a load run's
    // inter-token and relay-lag distributions hold 100,000 values each.
    auto from = values.begin();
    for (auto [q, out] : {std::pair{0.50, &d.p50}, {0.90, &d.p90}, {0.99, &d.p99}}) {
        const auto at =
            values.begin() + static_cast<std::ptrdiff_t>(common::nearest_rank_index(n, q));
        std::nth_element(from, at, values.end());
        *out = *at;
        from = at;
    }
    d.max = *std::max_element(from, values.end());
    double sum = 0;
    for (double v : values) sum += v;
    d.mean = sum / static_cast<double>(n);
    for (double v : values) d.histogram.record(v);
    return d;
}

namespace {

void add(Counts& c, const CheckResult& check) {
    ++c.checks;
    // A switch, not a table of counters: -Wswitch names the status a new counter would miss.
    switch (check.status) {
        case Status::passed:
            ++c.passed;
            break;
        case Status::failed:
            ++c.failed;
            break;
        case Status::skipped:
            ++c.skipped;
            break;
        case Status::error:
            ++c.errors;
            break;
        case Status::expected_failure:
            ++c.expected_failures;
            break;
    }
    if (check.now_passing_in_baseline) ++c.now_passing_in_baseline;
}

}  // namespace

Counts ScenarioResult::counts() const {
    Counts c;
    for (const auto& check : checks) add(c, check);
    if (!harness_error.empty()) ++c.harness_errors;
    return c;
}

Counts RunReport::counts() const {
    Counts c;
    for (const auto& s : scenarios) {
        const Counts sc = s.counts();
        c.checks += sc.checks;
        c.passed += sc.passed;
        c.failed += sc.failed;
        c.errors += sc.errors;
        c.skipped += sc.skipped;
        c.expected_failures += sc.expected_failures;
        c.now_passing_in_baseline += sc.now_passing_in_baseline;
        c.harness_errors += sc.harness_errors;
    }
    return c;
}

bool RunReport::all_passed() const {
    const Counts c = counts();
    return c.checks > 0 && c.failed == 0 && c.errors == 0 && c.harness_errors == 0;
}

int exit_code(const RunReport& report) {
    const Counts c = report.counts();
    if (c.harness_errors > 0 || c.errors > 0 || c.checks == 0) return 2;
    if (c.failed > 0) return 1;
    return 0;
}

const std::vector<CheckInfo>& check_catalog() {
    static const std::vector<CheckInfo> catalog = {
#define MSH_CHECK(id, title, function, needs) {id, title},
#include "reports/check_table.inc"
#undef MSH_CHECK
        {kSuiteAllPass, "every selected check passed (or is an expected failure)"},
    };
    return catalog;
}

std::string_view catalog_title(std::string_view id) {
    for (const auto& info : check_catalog()) {
        if (info.id == id) return info.title;
    }
    return {};
}

std::size_t catalog_rank(std::string_view id) {
    const auto& catalog = check_catalog();
    for (std::size_t i = 0; i < catalog.size(); ++i) {
        if (catalog[i].id == id) return i;
    }
    return catalog.size();
}

const std::vector<MetricDefinition>& metric_definitions() {
    static const std::vector<MetricDefinition> defs = {
        {"ttft", "TTFT",
         "time to first token: from the moment the request was sent to the moment the first "
         "token message was received by the client"},
        {"itl", "ITL",
         "inter-token latency: time between two consecutive token messages of one stream, "
         "measured at the client"},
        {"relay_lag", "relay lag",
         "client arrival time of a token minus the time the mock emitted it (both wall "
         "clock, same machine): what the server adds while relaying"},
        {"e2e", "end-to-end",
         "from the moment the request was sent to the moment its final response was received"},
        {"tokens_per_s_stream", "tokens/s per stream",
         "tokens of one call divided by the time from its first to its last token"},
        {"tokens_per_s_total", "tokens/s total",
         "all tokens received in the scenario divided by the scenario's wall time"},
    };
    return defs;
}

std::string_view metric_label(std::string_view key) {
    for (const auto& d : metric_definitions()) {
        if (d.key == key) return d.label;
    }
    return key;
}

}  // namespace reports
