// The one definition of each per-call figure (reports/call_figures.hpp), which the harness
// measures with and `merge` recomputes with: values, and each figure's "no value" cases.
#include "reports/call_figures.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace reports::call_figures {
namespace {

using V = std::vector<std::int64_t>;
constexpr auto unknown = std::nullopt;

TEST(CallFigures, TtftIsSentToFirstArrivalInMs) {
    EXPECT_EQ(ttft_ms(1'000, 21'500), 20.5);
    EXPECT_EQ(ttft_ms(0, 0), 0.0);           // 0 is an instant (samples' origin), not "unknown"
    EXPECT_EQ(ttft_ms(5'000, 4'000), -1.0);  // clocks are the caller's: no clamping
}

TEST(CallFigures, TtftUnknownWithoutSendOrFirstToken) {
    EXPECT_EQ(ttft_ms(unknown, 21'000), std::nullopt);
    EXPECT_EQ(ttft_ms(1'000, unknown), std::nullopt);
    EXPECT_EQ(ttft_ms(unknown, unknown), std::nullopt);
}

TEST(CallFigures, E2eIsSentToResponseInMs) {
    EXPECT_EQ(e2e_ms(1'000, 81'000), 80.0);
    EXPECT_EQ(e2e_ms(unknown, 81'000), std::nullopt);
    EXPECT_EQ(e2e_ms(1'000, unknown), std::nullopt);
}

TEST(CallFigures, TokensPerSecondIsAllTokensOverEndToEnd) {
    EXPECT_EQ(tokens_per_s(4, 80.0), 50.0);
    EXPECT_EQ(tokens_per_s(0, 80.0), 0.0);
    EXPECT_EQ(tokens_per_s(4, 0.0), std::nullopt);  // no time, no rate
    EXPECT_EQ(tokens_per_s(4, -3.0), std::nullopt);
    EXPECT_EQ(tokens_per_s(4, unknown), std::nullopt);
}

TEST(CallFigures, StreamRateLeavesTheFirstTokensWaitOut) {
    // 4 tokens over 21 ms .. 81 ms: 3 gaps in 60 ms.
    EXPECT_EQ(stream_span_ms(4, 21'000, 81'000), 60.0);
    EXPECT_EQ(stream_tokens_per_s(4, 21'000, 81'000), 50.0);
    EXPECT_EQ(stream_tokens_per_s(2, 0, 500), 2000.0);
}

TEST(CallFigures, StreamRateNeedsTwoTokensApart) {
    EXPECT_EQ(stream_span_ms(0, 0, 0), std::nullopt);
    EXPECT_EQ(stream_span_ms(1, 21'000, 21'000), std::nullopt);
    EXPECT_EQ(stream_tokens_per_s(1, 21'000, 81'000), std::nullopt);  // one token: no gaps
    EXPECT_EQ(stream_span_ms(3, 21'000, 21'000), std::nullopt);       // all at once
    EXPECT_EQ(stream_tokens_per_s(3, 21'000, 21'000), std::nullopt);
    EXPECT_EQ(stream_tokens_per_s(3, 21'000, 20'000), std::nullopt);  // last before first
}

TEST(CallFigures, ItlIsEachConsecutiveGap) {
    EXPECT_EQ(itl_ms(V{21'000, 41'000, 62'000, 80'000}), (std::vector<double>{20, 21, 18}));
    EXPECT_EQ(itl_ms(V{5'000, 5'000, 4'500}), (std::vector<double>{0, -0.5}));  // as given
    EXPECT_TRUE(itl_ms(V{21'000}).empty());
    EXPECT_TRUE(itl_ms(V{}).empty());
}

TEST(CallFigures, RelayLagPairsArrivalAndEmissionByIndex) {
    EXPECT_EQ(relay_lag_ms(V{21'000, 41'000, 62'000}, V{20'000, 40'500, 60'000}),
              (std::vector<double>{1, 0.5, 2}));
    // Only the tokens both sides have; a lag may be negative when clocks disagree.
    EXPECT_EQ(relay_lag_ms(V{21'000, 41'000, 62'000}, V{21'250}), (std::vector<double>{-0.25}));
    EXPECT_EQ(relay_lag_ms(V{21'000}, V{20'000, 40'000}), (std::vector<double>{1}));
    EXPECT_TRUE(relay_lag_ms(V{21'000, 41'000}, V{}).empty());  // mock log not known
    EXPECT_TRUE(relay_lag_ms(V{}, V{20'000}).empty());
}

}  // namespace
}  // namespace reports::call_figures
