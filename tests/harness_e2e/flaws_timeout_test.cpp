// timeout.upstream_stall (and errors.clear) against a server that gives up on a stalled
// upstream too late, or saves the partial text of the stalled stream.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/utf8.hpp"
#include "e2e_run.hpp"
#include "harness/metrics.hpp"
#include "scenarios.hpp"

namespace harness_e2e {
namespace {

using harness::checks::quote;
using ::testing::HasSubstr;

constexpr std::string_view kStalledCall = "client 0 steps[1] generate 1 (id 2)";

TEST(TimeoutFlaws, ErrorLongAfterTheTimeoutFailsUpstreamStall) {
    expect_all_passed(run_against(Flaw::none, scenarios::kStall));

    const E2eRun run = run_against(Flaw::late_timeout, scenarios::kStall);
    const auto& r = expect_failed(run, "timeout.upstream_stall");
    const auto* e = find_evidence(r, "the tool error came late", kStalledCall);
    ASSERT_NE(e, nullptr) << run.report();
    // 100 s scaled by 0.01: 1 s; 1 % early allowed; late by at most the 200 ms floor.
    EXPECT_EQ(e->expected, "a tool error (isError) 990.0 ms to 1200.0 ms after the last token");
    EXPECT_EQ(e->detail,
              "the tool error came late: the upstream timeout is 1000.0 ms, tolerance 200.0 ms");
    // The fake answers 3 s after the timeout.
    EXPECT_GE(number_after(e->got, "tool error "), 3900.0) << describe(*e);
    EXPECT_THAT(e->got, HasSubstr("ms after the last token"));
}

TEST(TimeoutFlaws, PartialTextSavedOnStallFailsUpstreamStallAndErrorsClear) {
    expect_all_passed(run_against(Flaw::none, scenarios::kStall));

    const E2eRun run = run_against(Flaw::save_on_stall, scenarios::kStall);
    const auto& step = run.step("steps[1]");
    const std::string partial = harness::trim_ascii(step.call.streamed_text());
    ASSERT_FALSE(partial.empty()) << run.report();
    const std::string detail =
        "the call failed but patient 1's row changed: the partial "
        "stream was saved (" +
        std::to_string(common::utf8::code_points(partial)) + " chars)";
    for (const char* id : {"timeout.upstream_stall", "errors.clear"}) {
        const auto& r = expect_failed(run, id);
        const auto* e = find_evidence(r, "the partial stream was saved", kStalledCall);
        ASSERT_NE(e, nullptr) << id << "\n" << run.report();
        EXPECT_EQ(e->expected, quote("") + " (unchanged)") << id;
        EXPECT_EQ(e->got, quote(partial)) << id;
        EXPECT_EQ(e->detail, detail) << id;
    }
}

}  // namespace
}  // namespace harness_e2e
