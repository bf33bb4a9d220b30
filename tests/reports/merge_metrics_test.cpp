// merge_runs' metrics: histograms added bucket by bucket, percentiles recomputed exactly from
// the merged samples (or read off the merged histogram when a part has none), tokens/s total
// over the common window, and every call kept once.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "merge_support.hpp"
#include "reports/merge.hpp"

namespace {

using namespace reports_test;

// The histogram of one metric over every client of the run, recorded in one go.
reports::Histogram whole_run(const std::string& name, std::size_t clients) {
    std::vector<reports::CallSamples> calls;
    for (std::size_t k = 0; k < clients; ++k) calls.push_back(client_call(k));
    return metric(metrics_of(calls), name).histogram;
}

TEST(MergeMetrics, HistogramsAreTheSumOfTheShardsBucketByBucket) {
    const auto merged = reports::merge_runs(shards(4, 40));
    ASSERT_EQ(merged.scenarios.size(), 1u);
    for (const char* name : {"ttft", "itl", "relay_lag", "e2e"}) {
        const auto& h = metric(merged.scenarios[0], name).histogram;
        EXPECT_EQ(h, whole_run(name, 40)) << name;
        std::uint64_t sum = 0;
        for (const auto& in : shards(4, 40)) {
            sum += metric(in.report.scenarios[0], name).histogram.count;
        }
        EXPECT_EQ(h.count, sum) << name;
    }
}

TEST(MergeMetrics, PercentilesAreRecomputedExactlyFromTheSamples) {
    const auto merged = reports::merge_runs(shards(4, 40));
    const auto& s = merged.scenarios[0];
    std::vector<reports::CallSamples> all;
    for (std::size_t k = 0; k < 40; ++k) all.push_back(client_call(k));
    const auto want = metrics_of(all);
    for (const char* name : {"ttft", "itl", "relay_lag", "e2e"}) {
        EXPECT_EQ(metric(s, name), metric(want, name)) << name;
        EXPECT_EQ(s.extra["percentiles_from"][name], "samples") << name;
    }
}

TEST(MergeMetrics, WithoutEverySamplesFilePercentilesComeFromTheMergedHistogram) {
    auto in = shards(2, 10);
    in[1].has_samples = false;
    in[1].report.scenarios[0].samples.clear();
    const auto merged = reports::merge_runs(std::move(in));
    const auto& s = merged.scenarios[0];
    const auto& ttft = metric(s, "ttft");
    EXPECT_EQ(s.extra["percentiles_from"]["ttft"], "histogram");
    EXPECT_EQ(ttft.count, 10u);
    EXPECT_DOUBLE_EQ(ttft.p99, ttft.histogram.quantile(0.99));
    EXPECT_DOUBLE_EQ(ttft.max, ttft.histogram.max());
}

TEST(MergeMetrics, SamplesThatMissValuesTheHistogramsCountAreNotTrusted) {
    auto in = shards(2, 10);
    in[0].report.scenarios[0].samples.pop_back();  // a call the histograms counted
    const auto merged = reports::merge_runs(std::move(in));
    EXPECT_EQ(merged.scenarios[0].extra["percentiles_from"]["ttft"], "histogram");
}

TEST(MergeMetrics, TokensPerSecondTotalIsOverTheCommonWindow) {
    const auto merged = reports::merge_runs(shards(4, 40));
    const auto& s = merged.scenarios[0];
    const auto& total = metric(s, "tokens_per_s_total");
    // 40 calls of 5 tokens over [10.001 s, 11.004 s].
    EXPECT_EQ(total.count, 1u);
    EXPECT_DOUBLE_EQ(total.p50, 200.0 / 1.003);
    EXPECT_EQ(s.extra["percentiles_from"]["tokens_per_s_total"], "window");
    EXPECT_EQ(s.extra["window"]["start_wall_us"], 10'001'000);
    EXPECT_EQ(s.extra["window"]["end_wall_us"], 11'004'000);
    EXPECT_DOUBLE_EQ(s.seconds, 1.003);
}

TEST(MergeMetrics, EveryCallIsKeptExactlyOnce) {
    const auto merged = reports::merge_runs(shards(4, 41));
    std::multiset<std::size_t> clients;
    for (const auto& c : merged.scenarios[0].samples) clients.insert(c.client);
    ASSERT_EQ(clients.size(), 41u);
    for (std::size_t k = 0; k < 41; ++k) EXPECT_EQ(clients.count(k), 1u) << k;
    EXPECT_EQ(merged.scenarios[0].extra["tokens_received"], 41 * kTokens);
    EXPECT_EQ(merged.scenarios[0].extra["clients"], 41);
}

TEST(MergeMetrics, OneShardsClientsSpanCpuIsNotPassedOffAsTheMergedRuns) {
    auto in = shards(2, 10);
    for (auto& s : in) s.report.scenarios[0].extra["cpu_during_clients"] = {{"harness_s", 1.0}};
    const auto merged = reports::merge_runs(std::move(in));
    EXPECT_FALSE(merged.scenarios[0].extra.contains("cpu_during_clients"));
    EXPECT_EQ(merged.scenarios[0].extra["clients"], 10);  // the rest of extra is still there
}

TEST(MergeMetrics, SamplesCountFromTheCommonStart) {
    // Shard 2/4 started 1 ms after shard 1/4, the first: its times move 1 ms later.
    const auto merged = reports::merge_runs(shards(4, 8));
    const auto& samples = merged.scenarios[0].samples;
    const auto one =
        std::find_if(samples.begin(), samples.end(), [](const auto& c) { return c.client == 1; });
    ASSERT_NE(one, samples.end());
    const auto own = client_call(1);
    EXPECT_EQ(one->sent_us, own.sent_us + 1000);
    EXPECT_EQ(one->response_us, own.response_us + 1000);
    EXPECT_EQ(one->arrived_us.back(), own.arrived_us.back() + 1000);
    EXPECT_EQ(one->emitted_us.front(), own.emitted_us.front() + 1000);
    EXPECT_EQ(samples.front().sent_us, client_call(0).sent_us);  // shard 1/4: unmoved
}

TEST(MergeMetrics, HistogramsOfDifferentResolutionsAreRefusedNamingTheShard) {
    auto in = shards(2, 4);
    auto& h = in[1].report.scenarios[0].metrics[0].histogram;
    h.resolution = 0.01;
    try {
        reports::merge_runs(std::move(in));
        FAIL() << "merged";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(),
                     "shard-2: scenarios[load].metrics[ttft].histogram: histograms of different "
                     "resolutions cannot be merged");
    }
}

}  // namespace
