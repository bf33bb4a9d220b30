#include "html/charts.hpp"

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "html/markup.hpp"
#include "html_dom.hpp"

namespace {

using html_test::find_all;

std::uint64_t sum_of(const std::vector<const xml_tree::Element*>& els, const char* attr) {
    std::uint64_t n = 0;
    for (const auto* e : els) n += std::stoull(e->at(attr));
    return n;
}

TEST(HtmlCharts, HistogramBarsAddUpToTheCountAndP50P99AreMarked) {
    std::vector<double> values;
    for (int i = 0; i < 1000; ++i) values.push_back(10.0 + (i % 97) * 0.37);
    const auto d = reports::summarize("ttft", "ms", values);
    const auto svg = xml_tree::parse(reports::html::histogram_chart(d, "s1"));
    EXPECT_EQ(svg.at("data-metric"), "ttft");
    EXPECT_EQ(svg.at("data-scenario"), "s1");
    EXPECT_EQ(svg.at("data-count"), "1000");
    const auto bars = find_all(svg, "rect", "bar");
    EXPECT_GE(bars.size(), 30U);
    EXPECT_LE(bars.size(), static_cast<std::size_t>(reports::html::kMaxBars));
    EXPECT_EQ(sum_of(bars, "data-count"), 1000U);
    const auto marks = find_all(svg, "g", "percentile");
    ASSERT_EQ(marks.size(), 2U);
    EXPECT_EQ(marks[0]->at("data-p"), "p50");
    EXPECT_NE(html_test::all_text(*marks[1]).find("p99 " + reports::html::figure(d.p99) + " ms"),
              std::string::npos);
    EXPECT_NE(html_test::all_text(svg).find("TTFT (ms)"), std::string::npos);  // x title
}

TEST(HtmlCharts, WideSpreadGoesOnALogAxisAndStillAddsUp) {
    const auto d = reports::summarize("itl", "ms", {0.05, 0.06, 0.08, 1.0, 5.0, 120.0, 3000.0});
    const auto svg = xml_tree::parse(reports::html::histogram_chart(d, "s"));
    EXPECT_NE(html_test::all_text(svg).find("log scale"), std::string::npos);
    EXPECT_EQ(sum_of(find_all(svg, "rect", "bar"), "data-count"), 7U);
}

TEST(HtmlCharts, OneValueAndNoValue) {
    const auto one = xml_tree::parse(
        reports::html::histogram_chart(reports::summarize("ttft", "ms", {42.0}), "s"));
    EXPECT_EQ(sum_of(find_all(one, "rect", "bar"), "data-count"), 1U);
    EXPECT_EQ(reports::html::histogram_chart(reports::summarize("ttft", "ms", {}), "s"), "");
}

TEST(HtmlCharts, TimelineDrawsFiveCallsWithAPointPerTokenReceivedAndEmitted) {
    const auto r = html_test::with_samples();
    const auto svg = xml_tree::parse(reports::html::timeline_chart(r.scenarios[0]));
    const auto streams = find_all(svg, "g", "stream");
    ASSERT_EQ(streams.size(), reports::html::kTimelineCalls);
    std::size_t tokens = 0;
    for (std::size_t i = 0; i < streams.size(); ++i) {
        tokens += r.scenarios[0].samples[i].arrived_us.size();
        EXPECT_EQ(find_all(*streams[i], "circle", "arrival").size(),
                  r.scenarios[0].samples[i].arrived_us.size());
    }
    EXPECT_EQ(tokens, 3U + 4 + 5 + 6 + 7);
    EXPECT_EQ(svg.at("data-tokens"), std::to_string(tokens));
    EXPECT_EQ(find_all(svg, "circle", "arrival").size(), tokens);
    EXPECT_EQ(find_all(svg, "circle", "emission").size(), tokens);
    EXPECT_EQ(find_all(svg, "line", "lag").size(), tokens);
}

TEST(HtmlCharts, ThroughputBinsHoldEveryTokenReceived) {
    const auto r = html_test::with_samples();
    const auto svg = xml_tree::parse(reports::html::throughput_chart(r.scenarios[0]));
    EXPECT_EQ(svg.at("data-tokens"), std::to_string(3 + 4 + 5 + 6 + 7 + 8 + 9));
    EXPECT_EQ(sum_of(find_all(svg, "rect", "rate"), "data-tokens"), 42U);
    EXPECT_EQ(reports::html::throughput_chart(r.scenarios[1]), "");
    EXPECT_EQ(reports::html::timeline_chart(r.scenarios[1]), "");
}

}  // namespace
