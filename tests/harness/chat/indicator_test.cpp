#include "chat/indicator.hpp"

#include <gtest/gtest.h>

namespace harness::chat {
namespace {

TEST(ChatIndicator, WaitingBeforeTheFirstToken) {
    const std::string s = status_line({0, 0.84, -1}, 0, 80);
    EXPECT_EQ(s, "| waiting for the first token, 0.8 s  (Ctrl-C cancels)");
}

TEST(ChatIndicator, StreamingShowsTokensRateAndElapsed) {
    const std::string s = status_line({42, 5.25, 0.2}, 1, 80);
    EXPECT_EQ(s, "/ streaming: 42 tokens, 8.0 tok/s, 5.2 s  (Ctrl-C cancels)");
    EXPECT_EQ(status_line({1, 1.0, 0.5}, 2, 80).substr(0, 23), "- streaming: 1 token, 1");
}

TEST(ChatIndicator, SpinnerTurns) {
    EXPECT_EQ(status_line({}, 3, 80)[0], '\\');
    EXPECT_EQ(status_line({}, 4, 80)[0], '|');
}

TEST(ChatIndicator, CutToOneLessThanTheWidth) {
    EXPECT_EQ(status_line({42, 5.25, 0.2}, 0, 20), "| streaming: 42 tok");
    EXPECT_EQ(status_line({42, 5.25, 0.2}, 0, 20).size(), 19u);
    EXPECT_EQ(status_line({42, 5.25, 0.2}, 0, 1), "");
    EXPECT_EQ(status_line({42, 5.25, 0.2}, 0, 0), "");
}

TEST(ChatIndicator, RateIsZeroBeforeTimePasses) {
    EXPECT_EQ(tokens_per_second({5, 0, 0}), 0.0);
    EXPECT_DOUBLE_EQ(tokens_per_second({10, 2.0, 0.1}), 5.0);
}

TEST(ChatIndicator, TimingLine) {
    EXPECT_EQ(timing_line({42, 5.3125, 0.21}),
              "42 tokens in 5.31 s (7.9 tok/s), first token after 0.21 s");
    EXPECT_EQ(timing_line({0, 1.5, -1}), "no token streamed; answer after 1.50 s");
}

}  // namespace
}  // namespace harness::chat
