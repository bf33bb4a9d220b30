#include "harness/metrics.hpp"

#include <gtest/gtest.h>

namespace harness {
namespace {

// A call sent at t=1000 µs whose 4 tokens arrive at 21000, 41000, 62000, 80000 µs and whose
// response comes at 81000 µs; wall clock = steady + 5e12.
CallRecord synthetic_call(StreamForm form) {
    constexpr std::int64_t wall = 5'000'000'000'000;
    CallRecord c;
    c.id = "1";
    c.sent_steady_us = 1000;
    c.sent_wall_us = wall + 1000;
    const std::int64_t arrivals[] = {21000, 41000, 62000, 80000};
    const char* texts[] = {"Hello", ",", " wörld", "\n"};
    std::int64_t position = 0;
    for (int i = 0; i < 4; ++i) {
        TokenArrival t;
        t.steady_us = arrivals[i];
        t.wall_us = wall + arrivals[i];
        t.text = texts[i];
        t.form = form;
        position += i == 2 ? 6 : static_cast<std::int64_t>(t.text.size());
        if (form == StreamForm::legacy) t.position = position;
        if (form == StreamForm::progress) t.progress = i + 1;
        c.tokens.push_back(t);
    }
    c.token_count = 4;
    c.first_token_steady_us = 21000;
    c.last_token_steady_us = 80000;
    c.response_steady_us = 81000;
    c.response_wall_us = wall + 81000;
    c.response = nlohmann::json::parse(
        R"({"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"Generated:\n\nHello, wörld"}],"isError":false}})");
    return c;
}

TEST(Metrics, TtftItlEndToEndAndRates) {
    const auto m = call_metrics(synthetic_call(StreamForm::progress));
    EXPECT_DOUBLE_EQ(m.ttft_ms, 20.0);
    ASSERT_EQ(m.itl_ms.size(), 3u);
    EXPECT_DOUBLE_EQ(m.itl_ms[0], 20.0);
    EXPECT_DOUBLE_EQ(m.itl_ms[1], 21.0);
    EXPECT_DOUBLE_EQ(m.itl_ms[2], 18.0);
    EXPECT_DOUBLE_EQ(m.e2e_ms, 80.0);
    EXPECT_DOUBLE_EQ(m.tokens_per_s, 50.0);  // 4 tokens in 80 ms
    EXPECT_DOUBLE_EQ(m.first_to_last_ms, 59.0);
    EXPECT_NEAR(m.stream_tokens_per_s, 3 / 0.059, 1e-9);
    EXPECT_TRUE(m.lag_ms.empty());  // no emission times given
}

TEST(Metrics, RelayLagAgainstEmissionTimes) {
    constexpr std::int64_t wall = 5'000'000'000'000;
    // The upstream emitted each token 1.5, 0.25, 3 and 0 ms before it arrived; only three
    // emission times known: the lag covers the tokens both sides have.
    const std::vector<std::int64_t> emitted = {wall + 19500, wall + 40750, wall + 59000};
    const auto m = call_metrics(synthetic_call(StreamForm::legacy), emitted);
    ASSERT_EQ(m.lag_ms.size(), 3u);
    EXPECT_DOUBLE_EQ(m.lag_ms[0], 1.5);
    EXPECT_DOUBLE_EQ(m.lag_ms[1], 0.25);
    EXPECT_DOUBLE_EQ(m.lag_ms[2], 3.0);
}

TEST(Metrics, WithoutSendTimeOrResponse) {
    CallRecord c = synthetic_call(StreamForm::progress);
    c.sent_steady_us = 0;
    c.response_steady_us = 0;
    const auto m = call_metrics(c);
    EXPECT_EQ(m.ttft_ms, -1);
    EXPECT_EQ(m.e2e_ms, -1);
    EXPECT_EQ(m.tokens_per_s, 0);
}

TEST(Percentiles, NearestRank) {
    std::vector<double> v;
    for (int i = 100; i >= 1; --i) v.push_back(i);  // 1..100, unsorted
    const auto p = percentiles(v);
    EXPECT_EQ(p.count, 100u);
    EXPECT_EQ(p.min, 1);
    EXPECT_EQ(p.p50, 50);
    EXPECT_EQ(p.p90, 90);
    EXPECT_EQ(p.p99, 99);
    EXPECT_EQ(p.max, 100);
    EXPECT_DOUBLE_EQ(p.mean, 50.5);

    const auto small = percentiles({3.0, 1.0, 2.0});
    EXPECT_EQ(small.p50, 2);
    EXPECT_EQ(small.p99, 3);
    EXPECT_EQ(percentiles({}).count, 0u);
    EXPECT_EQ(percentiles({}).p99, 0);
    EXPECT_EQ(percentiles({7.0}).p50, 7);
}

}  // namespace
}  // namespace harness
