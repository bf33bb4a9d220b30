// scenario_metrics, evaluate_check's dispatch, the evidence cap, and summary_from_result.
#include <gtest/gtest.h>

#include <algorithm>

#include "run_builder.hpp"

namespace harness {
namespace {

using reports::Status;
using namespace harness::testing;

const reports::Distribution& metric(const std::vector<reports::Distribution>& all,
                                    const std::string& name) {
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](const reports::Distribution& d) { return d.name == name; });
    EXPECT_NE(it, all.end()) << name;
    return *it;
}

TEST(ChecksMetrics, TtftItlLagAndRatesOnAKnownRecord) {
    // Call 1: sent at 0, mock received at 2 ms, first token emitted at 52 ms, then every
    // 20 ms (7 tokens), each relayed in 1 ms; response at 174 ms. Call 2: the same from
    // 1000 ms, relayed in 3 ms, with 10 ms gaps.
    RunBuilder b;
    b.generate({});
    Generate g;
    g.client = 1;
    g.sent_ms = 1000;
    g.relay_ms = 3;
    g.gap_ms = 10;
    b.generate(g);
    const auto all = scenario_metrics(b.run());
    ASSERT_EQ(all.size(), 6u);

    const auto& ttft = metric(all, "ttft");
    EXPECT_EQ(ttft.unit, "ms");
    EXPECT_EQ(ttft.count, 2u);
    EXPECT_DOUBLE_EQ(ttft.p50, 53.0);
    EXPECT_DOUBLE_EQ(ttft.max, 55.0);

    const auto& itl = metric(all, "itl");
    EXPECT_EQ(itl.count, 12u);  // 6 gaps per stream, pooled
    EXPECT_DOUBLE_EQ(itl.p50, 10.0);
    EXPECT_DOUBLE_EQ(itl.max, 20.0);
    EXPECT_DOUBLE_EQ(itl.mean, 15.0);

    const auto& lag = metric(all, "relay_lag");
    EXPECT_EQ(lag.count, 14u);
    EXPECT_DOUBLE_EQ(lag.p50, 1.0);
    EXPECT_DOUBLE_EQ(lag.max, 3.0);
    EXPECT_DOUBLE_EQ(lag.mean, 2.0);

    const auto& e2e = metric(all, "e2e");
    EXPECT_EQ(e2e.count, 2u);
    EXPECT_DOUBLE_EQ(e2e.p50, 116.0);  // 2 + 50 + 60 + 3 + 1
    EXPECT_DOUBLE_EQ(e2e.max, 174.0);  // 2 + 50 + 120 + 1 + 1

    const auto& per_stream = metric(all, "tokens_per_s_stream");
    EXPECT_EQ(per_stream.unit, "tokens/s");
    EXPECT_DOUBLE_EQ(per_stream.p50, 50.0);   // 6 gaps in 120 ms
    EXPECT_DOUBLE_EQ(per_stream.max, 100.0);  // 6 gaps in 60 ms

    const auto& total = metric(all, "tokens_per_s_total");
    EXPECT_EQ(total.count, 1u);
    EXPECT_DOUBLE_EQ(total.max, 14 / 1.115);  // 14 tokens, first sent 0, last token 1115 ms
}

TEST(ChecksMetrics, OnlySuccessfulGenerateCallsCount) {
    RunBuilder b;
    b.ping(0, "steps[0]", "1", 0);
    EXPECT_TRUE(scenario_metrics(b.run()).empty());
    fail_transport(b.generate({}).call, "closed", 100);
    EXPECT_TRUE(scenario_metrics(b.run()).empty());
}

// The histograms of report.json merge exactly: the calls of a run split in two half-runs (by
// client, as shards would split them) give histograms whose merge is the whole run's, bucket
// for bucket, for every latency metric.
TEST(ChecksMetrics, HistogramsOfTwoHalfRunsMergeIntoTheWholeRunsExactly) {
    RunBuilder whole, first, second;
    for (std::size_t i = 0; i < 40; ++i) {
        Generate g;
        g.client = i;
        g.call_id = std::to_string(i + 1);
        g.sent_ms = 37.0 * static_cast<double>(i);
        g.mock_ttft_ms = 20 + static_cast<double>((i * 7919) % 97);
        g.gap_ms = 1 + static_cast<double>((i * 104729) % 23) / 3;
        g.relay_ms = 0.05 + static_cast<double>((i * 31) % 17) / 7;
        whole.generate(g);
        (i < 20 ? first : second).generate(g);
    }
    const auto all = scenario_metrics(whole.run());
    const auto a = scenario_metrics(first.run());
    const auto b = scenario_metrics(second.run());
    for (const char* name : {"ttft", "itl", "relay_lag", "e2e", "tokens_per_s_stream"}) {
        const auto& h = metric(all, name).histogram;
        ASSERT_GT(h.count, 1u) << name;
        EXPECT_GT(h.buckets.size(), 1u) << name;  // not one bucket that merges trivially
        reports::Histogram merged = metric(a, name).histogram;
        ASSERT_NE(merged, h) << name;
        merged.merge(metric(b, name).histogram);
        EXPECT_EQ(merged, h) << name;
        EXPECT_EQ(merged.quantile(0.99), h.quantile(0.99)) << name;
    }
}

TEST(ChecksDispatch, EveryCatalogCheckSkipsARunWithNothingToJudge) {
    // No call at all; only the CSV (unchanged) is there to judge, by csv.integrity.
    RunBuilder b;
    for (const auto& info : reports::check_catalog()) {
        const std::string id(info.id);
        if (id == reports::kSuiteAllPass) continue;
        const auto r = evaluate_check(id, b.run());
        EXPECT_EQ(r.id, id);
        if (id == "csv.integrity") {
            EXPECT_EQ(r.status, Status::passed) << r.message;
            continue;
        }
        EXPECT_EQ(r.status, Status::skipped) << id << ": " << r.message;
        EXPECT_FALSE(r.message.empty()) << id;
    }
}

TEST(ChecksDispatch, UnknownIdsAndTheRollupAreErrors) {
    RunBuilder b;
    const auto unknown = evaluate_check("stream.ordre", b.run());
    EXPECT_EQ(unknown.status, Status::error);
    EXPECT_EQ(unknown.message, "unknown check id 'stream.ordre'");
    EXPECT_EQ(evaluate_check("suite.all_pass", b.run()).status, Status::error);
}

TEST(ChecksDispatch, EvidenceIsCappedWithACountOfTheRest) {
    RunBuilder b;
    for (int i = 0; i < 15; ++i) {
        Generate g;
        g.client = static_cast<std::size_t>(i);
        g.sent_ms = 10.0 * i;
        b.generate(g).mock_request.reset();
    }
    const auto r = evaluate_check("stream.tokens_delivered", b.run());
    EXPECT_EQ(r.status, Status::failed);
    EXPECT_EQ(r.passed_items, 0u);
    EXPECT_EQ(r.total_items, 15u);
    ASSERT_EQ(r.evidence.size(), 11u);
    EXPECT_EQ(r.evidence.back().detail, "and 5 more");
    EXPECT_EQ(r.message,
              "15 of 15 calls failed; first: client 0 steps[0] generate P001 (id 1): no mock "
              "request matched (prompt with Name: Ada Lovelace)");
}

TEST(SummaryFromResult, TakesTheTextAfterTheHeader) {
    EXPECT_EQ(summary_from_result("Generated Summary for Ada Lovelace (ID: P001):\n\nStable."),
              "Stable.");
    // The summary may hold anything, the header's own markers included.
    EXPECT_EQ(summary_from_result("Generated Summary for A (B) (ID: P002):\n\nx):\n\ny (ID: z"),
              "x):\n\ny (ID: z");
    EXPECT_EQ(summary_from_result("Generated Summary for Ada (ID: P001):\n\n"), "");
    EXPECT_EQ(summary_from_result("Summary for Ada (ID: P001):\n\nStable."), std::nullopt);
    EXPECT_EQ(summary_from_result("Generated Summary for Ada (ID: P001):\nStable."), std::nullopt);
    EXPECT_EQ(summary_from_result("Generated Summary for Ada\n (ID: P001):\n\nStable."),
              std::nullopt);
}

}  // namespace
}  // namespace harness
