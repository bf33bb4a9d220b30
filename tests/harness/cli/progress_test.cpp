// The live line of a running scenario: counters and a clock in, text out.
#include "cli/progress.hpp"

#include <gtest/gtest.h>

namespace {

using harness::LiveScenario;
using harness::cli::live_line;

constexpr std::int64_t kStart = 1'000'000'000;  // µs on the steady clock

void fill(LiveScenario& s, std::uint64_t calls, std::uint64_t tokens) {
    s.name = "upstream_stall";
    s.started_steady_us = kStart;
    s.calls_done = calls;
    s.tokens = tokens;
}

TEST(ProgressLine, CallsTokensAndElapsed) {
    LiveScenario s;
    fill(s, 3, 120);
    EXPECT_EQ(live_line(s, kStart + 12'340'000),
              "upstream_stall: 3 calls, 120 tokens, 12.3 s elapsed");
}

TEST(ProgressLine, AWaitCountsDownInWholeSecondsRoundedUp) {
    LiveScenario s;
    fill(s, 1, 7);
    s.wait_until_steady_us = kStart + 120'000'000;
    EXPECT_EQ(live_line(s, kStart + 13'000'000),
              "upstream_stall: 1 calls, 7 tokens, 13.0 s elapsed, waiting: 107 s left");
    EXPECT_EQ(live_line(s, kStart + 119'900'000),
              "upstream_stall: 1 calls, 7 tokens, 119.9 s elapsed, waiting: 1 s left");
    // A tick that lands just after the wait ended, before the client cleared it.
    EXPECT_EQ(live_line(s, kStart + 120'500'000),
              "upstream_stall: 1 calls, 7 tokens, 120.5 s elapsed, waiting: 0 s left");
}

TEST(ProgressLine, ASilentCallInFlightShowsHowLongAgainstTheUpstreamTimeout) {
    LiveScenario s;
    fill(s, 0, 5);
    s.calls_started = 1;
    s.last_heard_steady_us = kStart + 1'000'000;
    s.upstream_timeout_us = 120'000'000;
    EXPECT_EQ(live_line(s, kStart + 1'500'000),  // a token gap, not a stall
              "upstream_stall: 0 calls, 5 tokens, 1.5 s elapsed");
    EXPECT_EQ(live_line(s, kStart + 46'000'000),
              "upstream_stall: 0 calls, 5 tokens, 46.0 s elapsed, no token for 45.0 s (the "
              "server's upstream timeout: 120.0 s)");
    s.upstream_timeout_us = 0;  // a server of the user's own: its timeout is not known
    EXPECT_EQ(live_line(s, kStart + 46'000'000),
              "upstream_stall: 0 calls, 5 tokens, 46.0 s elapsed, no token for 45.0 s");
    s.calls_done = 1;  // the call ended: nothing in flight is silent
    EXPECT_EQ(live_line(s, kStart + 46'000'000),
              "upstream_stall: 1 calls, 5 tokens, 46.0 s elapsed");
}

TEST(ProgressLine, NoWaitNoCountdown) {
    LiveScenario s;
    fill(s, 0, 0);
    const std::string line = live_line(s, kStart);
    EXPECT_EQ(line, "upstream_stall: 0 calls, 0 tokens, 0.0 s elapsed");
    EXPECT_EQ(line.find("waiting"), std::string::npos);
}

}  // namespace
