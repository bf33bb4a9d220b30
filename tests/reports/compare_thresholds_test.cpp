// The regression gate's parsers: --max-regression, --min-change and a thresholds file, each
// well-formed form, and each malformed one with the message that names the bad item.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/compare.hpp"

namespace {

using reports::Statistic;
using reports::Threshold;
using ::testing::HasSubstr;

// The message parse_thresholds throws for `spec`, or "" when it accepts it.
std::string refused(std::string_view spec) {
    try {
        reports::parse_thresholds(spec);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

TEST(Thresholds, PercentAbsoluteAndNegativeForThroughput) {
    const auto t = reports::parse_thresholds(
        "ttft.p99=10%, relay_lag.p99=2ms,relay_lag.p99=5%,tokens_per_s_total.p50=-5%");
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0], (Threshold{"ttft", Statistic::p99, 10.0, std::nullopt}));
    EXPECT_EQ(t[1], (Threshold{"relay_lag", Statistic::p99, 5.0, 2.0}));
    EXPECT_EQ(t[2], (Threshold{"tokens_per_s_total", Statistic::p50, 5.0, std::nullopt}));
    EXPECT_EQ(reports::describe(t[1]), "relay_lag.p99 > 5.00 % and 2.00 ms");
    EXPECT_EQ(reports::describe(t[2]), "tokens_per_s_total.p50 < -5.00 %");
}

TEST(Thresholds, TheDefaultsAreTheDocumentedOnes) {
    const auto t = reports::CompareOptions::default_thresholds();
    ASSERT_EQ(t.size(), 4u);
    EXPECT_EQ(t[0], (Threshold{"ttft", Statistic::p99, 10.0, std::nullopt}));
    EXPECT_EQ(t[1], (Threshold{"itl", Statistic::p99, 10.0, std::nullopt}));
    EXPECT_EQ(t[2], (Threshold{"relay_lag", Statistic::p99, 10.0, 1.0}));
    EXPECT_EQ(t[3], (Threshold{"tokens_per_s_total", Statistic::p50, 5.0, std::nullopt}));
}

TEST(Thresholds, MalformedItemsAreNamed) {
    EXPECT_THAT(refused("ttfb.p99=10%"), HasSubstr("'ttfb.p99=10%': unknown metric 'ttfb'"));
    EXPECT_THAT(refused("ttft.p95=10%"), HasSubstr("unknown statistic 'p95'"));
    EXPECT_THAT(refused("ttft.p99=ten%"), HasSubstr("bad number 'ten%'"));
    EXPECT_THAT(refused("ttft.p99=10"), HasSubstr("'ttft.p99=10': missing unit"));
    EXPECT_THAT(refused("ttft.p99=10s"), HasSubstr("unit 's' is not % nor ms"));
    EXPECT_THAT(refused("ttft.p99=2tokens/s"), HasSubstr("unit 'tokens/s' is not % nor ms"));
    EXPECT_THAT(refused("ttft.p99=-10%"), HasSubstr("ttft is better lower"));
    EXPECT_THAT(refused("tokens_per_s_total.p50=5%"), HasSubstr("better higher"));
    EXPECT_THAT(refused("ttft.p99=10%,ttft.p99=20%"), HasSubstr("a percent limit given twice"));
    EXPECT_THAT(refused("ttft=10%"), HasSubstr("want METRIC.STATISTIC=LIMIT"));
    EXPECT_THAT(refused("ttft.p99"), HasSubstr("'ttft.p99': want METRIC.STATISTIC=LIMIT"));
    EXPECT_THAT(refused("ttft.p99=10%,"), HasSubstr("an empty item"));
    EXPECT_THAT(refused(""), HasSubstr("an empty item"));
    EXPECT_THAT(refused("ttft.p99=nan%"), HasSubstr("bad number"));
    EXPECT_THAT(refused("ttft.p99=inf%"), HasSubstr("bad number"));
    EXPECT_THAT(refused("ttft.p99=1e999%"), HasSubstr("bad number"));
}

TEST(Thresholds, MinChangePerUnit) {
    const auto m = reports::parse_min_change("2ms");
    EXPECT_EQ(m.at("ms"), 2.0);
    EXPECT_EQ(m.at("tokens/s"), 1.0);  // not named: the default
    EXPECT_EQ(reports::parse_min_change("0.5tokens/s").at("tokens/s"), 0.5);
    EXPECT_THROW(reports::parse_min_change("2"), std::invalid_argument);
    EXPECT_THROW(reports::parse_min_change("2%"), std::invalid_argument);
    EXPECT_THROW(reports::parse_min_change("-1ms"), std::invalid_argument);
}

TEST(ThresholdsFile, EveryFieldAndTheDefaultsOfTheOthers) {
    const auto o = reports::parse_thresholds_file(
        R"({"max_regression": {"ttft.p50": "20%", "relay_lag.p99": ["10%", "3ms"]},
            "min_change": {"ms": 1.5}, "min_count": 30})");
    ASSERT_EQ(o.thresholds.size(), 2u);
    EXPECT_EQ(o.thresholds[1], (Threshold{"ttft", Statistic::p50, 20.0, std::nullopt}));
    EXPECT_EQ(o.thresholds[0], (Threshold{"relay_lag", Statistic::p99, 10.0, 3.0}));
    EXPECT_EQ(o.min_change.at("ms"), 1.5);
    EXPECT_EQ(o.min_count, 30u);
    const auto d = reports::parse_thresholds_file("{}");
    EXPECT_EQ(d.thresholds, reports::CompareOptions::default_thresholds());
}

TEST(ThresholdsFile, MalformedFilesAreNamed) {
    auto msg = [](std::string_view text) -> std::string {
        try {
            reports::parse_thresholds_file(text);
        } catch (const std::invalid_argument& e) {
            return e.what();
        }
        return "";
    };
    EXPECT_THAT(msg("{"), HasSubstr("not JSON"));
    EXPECT_THAT(msg("[]"), HasSubstr("expected a JSON object"));
    EXPECT_THAT(msg(R"({"min_count": 1e9999})"), HasSubstr("not JSON"));  // fuzzer find
    EXPECT_THAT(msg(R"({"max_regression": {"ttft.p99": 10}})"),
                HasSubstr("'ttft.p99': expected a limit"));
    EXPECT_THAT(msg(R"({"max_regression": {"e2e.p42": "1%"}})"),
                HasSubstr("unknown statistic 'p42'"));
    EXPECT_THAT(msg(R"({"max_regression": []})"), HasSubstr("'max_regression'"));
    EXPECT_THAT(msg(R"({"min_change": {"s": 1}})"), HasSubstr("unit must be ms or tokens/s"));
    EXPECT_THAT(msg(R"({"min_change": {"ms": "1"}})"),
                HasSubstr("'min_change.ms': expected a number"));
    EXPECT_THAT(msg(R"({"min_count": -1})"), HasSubstr("'min_count'"));
}

}  // namespace
