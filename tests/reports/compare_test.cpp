// The regression gate on made-up reports: the same run, a worse TTFT p99, a change under the
// noise floor, too few values, an improvement, a check that stopped passing, the directions
// of latency and throughput, and what compare.md and compare.xml say about each.
#include "reports/compare.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "sample_report.hpp"

namespace {

using namespace reports_test;
using reports::compare;
using reports::CompareOptions;
using reports::Verdict;
using ::testing::HasSubstr;
using ::testing::Not;

// `n` values of `metric` around `center` (center-2 .. center+2, the top one the p99).
reports::Distribution around(const std::string& metric, double center, std::size_t n = 50) {
    std::vector<double> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(center - 2 + 4.0 * double(i) / double(n - 1));
    return reports::summarize(metric, reports::unit_of(metric).data(), v);
}

// A one-scenario run: TTFT, ITL and relay lag at the given centers, tokens/s total, checks.
RunReport measured(double ttft, double itl = 20, double lag = 5, double tps = 100,
                   std::size_t n = 50, Status order = Status::passed) {
    ScenarioResult s = scenario("streaming", {check("stream.order", order, 1, 1),
                                              check("stream.realtime", Status::passed, 1, 1)});
    s.metrics = {around("ttft", ttft, n), around("itl", itl, n), around("relay_lag", lag, n),
                 reports::summarize("tokens_per_s_total", "tokens/s", {tps})};
    return run({s});
}

const reports::MetricRow& row_of(const reports::Comparison& c, const std::string& metric,
                                 reports::Statistic s) {
    for (const auto& r : c.scenarios.at(0).metrics) {
        if (r.metric == metric && r.statistic == s) return r;
    }
    throw std::runtime_error("no row " + metric);
}

TEST(Compare, ARunAgainstItselfHasNoRegression) {
    const auto c = compare(measured(300), measured(300), {});
    EXPECT_EQ(c.regressions(), 0u);
    EXPECT_EQ(c.exit_code(), 0);
    EXPECT_EQ(row_of(c, "ttft", reports::Statistic::p99).verdict, Verdict::ok);
    EXPECT_THAT(render_compare_markdown(c, "old", "new"), HasSubstr("**no regression**"));
}

TEST(Compare, ThirtyPercentWorseTtftP99IsARegressionNamingTtft) {
    const auto c = compare(measured(300), measured(390), {});
    EXPECT_EQ(c.exit_code(), 1);
    const auto& r = row_of(c, "ttft", reports::Statistic::p99);
    EXPECT_EQ(r.verdict, Verdict::regression);
    EXPECT_NEAR(r.change_percent, 29.8, 0.5);  // 302 -> 392
    EXPECT_NEAR(r.change, 90, 1e-9);
    EXPECT_EQ(c.regressions(), 1u);
    const auto md = render_compare_markdown(c, "old", "new");
    EXPECT_THAT(md, HasSubstr("**1 regression**: `streaming: ttft.p99`"));
    EXPECT_THAT(md, HasSubstr("| `ttft.p99` | 302 | 392 | +90.0 ms (+29.8 %) | ttft.p99 > 10.0 % | "
                              "50/50 | **regression** |"));
}

TEST(Compare, AChangeUnderTheMinimumChangeIsOkWhateverItsPercent) {
    // 5 ms -> 5.4 ms relay lag p99 (7 ms -> 7.4): 6 % but 0.4 ms, under the 0.5 ms floor; the
    // threshold is 1 % so that only the floor can keep it ok.
    CompareOptions o;
    o.thresholds = reports::parse_thresholds("relay_lag.p99=1%");
    const auto c = compare(measured(300, 20, 5), measured(300, 20, 5.4), o);
    EXPECT_EQ(row_of(c, "relay_lag", reports::Statistic::p99).verdict, Verdict::ok);
    // The same change with the floor lowered is a regression: the floor decided.
    o.min_change = reports::parse_min_change("0.1ms");
    EXPECT_EQ(row_of(compare(measured(300, 20, 5), measured(300, 20, 5.4), o), "relay_lag",
                     reports::Statistic::p99)
                  .verdict,
              Verdict::regression);
}

TEST(Compare, BothLimitsOfAKeyMustBeExceeded) {
    // relay_lag.p99 default: 10 % and 1 ms. 7 -> 7.9 ms is 13 % but 0.9 ms: ok; 7 -> 9 ms: not.
    EXPECT_EQ(row_of(compare(measured(300, 20, 5), measured(300, 20, 5.9), {}), "relay_lag",
                     reports::Statistic::p99)
                  .verdict,
              Verdict::ok);
    EXPECT_EQ(row_of(compare(measured(300, 20, 5), measured(300, 20, 7), {}), "relay_lag",
                     reports::Statistic::p99)
                  .verdict,
              Verdict::regression);
}

TEST(Compare, FewValuesAreNotEnoughDataNeverAVerdict) {
    // 9 TTFT values (min_count 10) on the new side, 50 % worse: neither pass nor fail.
    const auto c = compare(measured(300), measured(450, 20, 5, 100, 9), {});
    const auto& r = row_of(c, "ttft", reports::Statistic::p99);
    EXPECT_EQ(r.verdict, Verdict::not_enough_data);
    EXPECT_EQ(c.exit_code(), 0);
    const auto xml = render_compare_junit(c);
    EXPECT_THAT(xml, HasSubstr("<skipped message=\"not enough data: ttft.p99"));
}

TEST(Compare, ANonFiniteFigureIsNotEnoughData) {
    auto broken = measured(300);
    broken.scenarios[0].metrics[0].p99 = std::numeric_limits<double>::quiet_NaN();
    EXPECT_EQ(row_of(compare(measured(300), broken, {}), "ttft", reports::Statistic::p99).verdict,
              Verdict::not_enough_data);
    EXPECT_EQ(row_of(compare(broken, measured(300), {}), "ttft", reports::Statistic::p99).verdict,
              Verdict::not_enough_data);
}

TEST(Compare, TotalThroughputIsOneValuePerRunAndBetterHigher) {
    // tokens_per_s_total has count 1 by definition; -5 % default: 100 -> 90 is a regression,
    // 100 -> 120 an improvement.
    EXPECT_EQ(row_of(compare(measured(300, 20, 5, 100), measured(300, 20, 5, 90), {}),
                     "tokens_per_s_total", reports::Statistic::p50)
                  .verdict,
              Verdict::regression);
    EXPECT_EQ(row_of(compare(measured(300, 20, 5, 100), measured(300, 20, 5, 120), {}),
                     "tokens_per_s_total", reports::Statistic::p50)
                  .verdict,
              Verdict::improved);
}

TEST(Compare, LowerLatencyIsImproved) {
    const auto c = compare(measured(390), measured(300), {});
    EXPECT_EQ(row_of(c, "ttft", reports::Statistic::p99).verdict, Verdict::improved);
    EXPECT_EQ(c.exit_code(), 0);
}

TEST(Compare, ACheckPassedThenFailedIsARegression) {
    const auto c = compare(measured(300), measured(300, 20, 5, 100, 50, Status::failed), {});
    EXPECT_EQ(c.exit_code(), 1);
    ASSERT_EQ(c.scenarios.at(0).checks.size(), 2u);
    EXPECT_EQ(c.scenarios[0].checks[0].verdict, Verdict::regression);
    EXPECT_THAT(render_compare_markdown(c, "a", "b"),
                HasSubstr("- check `stream.order`: passed → failed (**regression**)"));
    EXPECT_THAT(render_compare_junit(c),
                HasSubstr("name=\"check stream.order\" time=\"0\">\n      <failure"));
    // Failed in both: not a regression (it was no better before).
    const auto both = measured(300, 20, 5, 100, 50, Status::failed);
    EXPECT_EQ(compare(both, both, {}).exit_code(), 0);
}

TEST(Compare, ScenariosOnOneSideAreListedNotFailed) {
    auto old_run = measured(300);
    old_run.scenarios.push_back(scenario("gone", {}));
    auto new_run = measured(300);
    new_run.scenarios.push_back(scenario("added", {}));
    const auto c = compare(old_run, new_run, {});
    EXPECT_EQ(c.only_old, std::vector<std::string>{"gone"});
    EXPECT_EQ(c.only_new, std::vector<std::string>{"added"});
    EXPECT_EQ(c.exit_code(), 0);
    EXPECT_THAT(render_compare_markdown(c, "a", "b"),
                HasSubstr("**Only in OLD** (not compared): `gone`"));
}

TEST(Compare, NoScenarioInCommonCannotBeCompared) {
    auto other = measured(300);
    other.scenarios[0].name = "other";
    EXPECT_THROW(compare(measured(300), other, {}), std::invalid_argument);
}

TEST(Compare, AScenarioThatNoLongerRunsToTheEndIsARegression) {
    auto broken = measured(300);
    broken.scenarios[0].metrics.clear();
    broken.scenarios[0].checks.clear();
    broken.scenarios[0].harness_error = "server did not start";
    const auto c = compare(measured(300), broken, {});
    EXPECT_EQ(c.exit_code(), 1);
    EXPECT_THAT(render_compare_markdown(c, "a", "b"), HasSubstr("did not run to the end"));
}

}  // namespace
