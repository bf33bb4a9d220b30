#pragma once
// The regression gate: two runs' report.json compared scenario by scenario (matched by name),
// metric by metric and check by check, against thresholds. Pure: no files, no clock; the
// harness's `compare` subcommand and `run --compare-to` read the reports and write what
// render_compare_markdown / render_compare_junit return (docs/mcp-harness.md, "Regression
// gate").
//
// Direction per metric: latencies (ms) are better lower; tokens/s metrics are better higher,
// and their thresholds are written negative (the allowed drop, e.g. tokens_per_s_total.p50=-5%).
//
// Noise: a change smaller than the minimum change of the metric's unit (0.5 ms, 1 tokens/s by
// default) is never a regression nor an improvement; a statistic with fewer than min_count
// values on either side is "not enough data", neither pass nor fail. tokens_per_s_total is one
// value per run by definition: for it one value on each side is enough.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report.hpp"

namespace reports {

enum class Statistic { p50, p90, p99, max, mean };
std::string_view to_string(Statistic s);
double statistic_of(const Distribution& d, Statistic s);

// True for a key of metric_definitions() (the metrics a threshold may name).
bool catalog_metric(std::string_view metric);

enum class Direction { lower_is_better, higher_is_better };
// higher_is_better for the tokens/s metrics, lower_is_better for every other one.
Direction direction_of(std::string_view metric);
// "tokens/s" for the tokens/s metrics, "ms" for every other one of metric_definitions().
std::string_view unit_of(std::string_view metric);

// How much worse a statistic may get before it is a regression. Both limits are magnitudes
// (>= 0) in the metric's direction; when both are set a change must exceed both.
struct Threshold {
    std::string metric;  // a metric_definitions() key
    Statistic statistic = Statistic::p99;
    std::optional<double> percent;   // of OLD's value
    std::optional<double> absolute;  // in the metric's unit

    bool operator==(const Threshold&) const = default;
};

struct CompareOptions {
    std::vector<Threshold> thresholds = default_thresholds();
    // Per unit ("ms", "tokens/s"): a smaller change is noise.
    std::map<std::string, double> min_change = default_min_change();
    std::size_t min_count = 10;  // values on each side, below: not enough data

    static std::vector<Threshold> default_thresholds();
    static std::map<std::string, double> default_min_change();
};

// "ttft.p99=10%,relay_lag.p99=10%,relay_lag.p99=1ms,tokens_per_s_total.p50=-5%": items
// separated by commas; a key may appear twice, once with a percent and once with an absolute
// value. Throws std::invalid_argument naming the bad item (unknown metric or statistic, bad
// number, missing or wrong unit, wrong sign for the metric's direction, a limit given twice).
std::vector<Threshold> parse_thresholds(std::string_view spec);
// "0.5ms,2tokens/s": the minimum change per unit; units not named keep their default.
// Throws std::invalid_argument naming the bad item.
std::map<std::string, double> parse_min_change(std::string_view spec);
// A thresholds file (JSON), every field optional:
//   {"max_regression": {"ttft.p99": "10%", "relay_lag.p99": ["10%", "1ms"]},
//    "min_change": {"ms": 0.5, "tokens/s": 1}, "min_count": 10}
// Fields not given keep their defaults. Throws std::invalid_argument naming the bad field.
CompareOptions parse_thresholds_file(std::string_view json_text);
// "ttft.p99 > 10 %", "relay_lag.p99 > 10 % and 1 ms", "tokens_per_s_total.p50 < -5 %".
std::string describe(const Threshold& t);

enum class Verdict { ok, improved, regression, not_enough_data, unchecked };
// "ok", "improved", "regression", "not enough data", "–" (no threshold on this statistic).
std::string_view to_string(Verdict v);

struct MetricRow {
    std::string metric;
    Statistic statistic = Statistic::p50;
    std::string unit;
    double old_value = 0, new_value = 0;
    std::size_t old_count = 0, new_count = 0;
    double change = 0;          // new - old, in the unit
    double change_percent = 0;  // of old; NaN when old is 0
    std::optional<Threshold> threshold;
    Verdict verdict = Verdict::unchecked;
};

struct CheckRow {
    std::string id;
    Status old_status = Status::passed, new_status = Status::passed;
    Verdict verdict = Verdict::ok;  // regression: passed in OLD, failed or error in NEW
};

struct ScenarioComparison {
    std::string name;
    std::vector<MetricRow> metrics;
    std::vector<CheckRow> checks;   // every check OLD passed or NEW still has
    std::string new_harness_error;  // NEW did not run to the end where OLD did: a regression

    std::size_t regressions() const;
};

struct Comparison {
    std::vector<ScenarioComparison> scenarios;  // in NEW's order
    std::vector<std::string> only_old, only_new;
    CompareOptions options;

    std::size_t regressions() const;
    // 0 no regression, 1 at least one regression.
    int exit_code() const { return regressions() > 0 ? 1 : 0; }
};

// Throws std::invalid_argument when the two runs have no scenario in common.
Comparison compare(const RunReport& old_run, const RunReport& new_run,
                   const CompareOptions& options);

// compare.md: the verdict first, then a table per scenario; `old_label`, `new_label` name the
// inputs (their paths).
std::string render_compare_markdown(const Comparison& c, std::string_view old_label,
                                    std::string_view new_label);
// compare.xml: a <testsuite> per scenario, a <testcase> per threshold and per check OLD
// passed, <failure> on a regression, <skipped> on not enough data (Jenkins junit-10.xsd).
std::string render_compare_junit(const Comparison& c);

}  // namespace reports
