// stream.* against a server that reorders, drops, duplicates or batches tokens, counts
// positions in bytes, or answers with a summary that is not the stream.
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
using ::testing::Not;

constexpr std::string_view kLegacyCall = "client 0 steps[1] generate 1 (id 2)";
constexpr std::string_view kProgressCall = "client 0 steps[2] generate 2 (id 3)";

TEST(StreamFlaws, SwappedTokensFailStreamOrder) {
    expect_all_passed(run_against(Flaw::none, scenarios::kStream));

    const E2eRun run = run_against(Flaw::reorder_tokens, scenarios::kStream);
    const auto& r = expect_failed(run, "stream.order");
    for (const auto call : {kLegacyCall, kProgressCall}) {
        const auto* e = find_evidence(r, "token texts out of the mock's emission order", call);
        ASSERT_NE(e, nullptr) << call << "\n" << run.report();
        const auto want = run.mock_tokens(run.step(call == kLegacyCall ? "steps[1]" : "steps[2]"));
        ASSERT_GE(want.size(), 3u) << run.report();
        EXPECT_EQ(e->call, call);
        EXPECT_EQ(e->token_index, 1u);
        EXPECT_EQ(e->expected, quote(want[1]));
        EXPECT_EQ(e->got, quote(want[2]));
        EXPECT_THAT(e->detail, HasSubstr("the client's token 1 is the mock's token 2"));
    }
}

TEST(StreamFlaws, DroppedTokenFailsTokensDelivered) {
    expect_all_passed(run_against(Flaw::none, scenarios::kStream));

    const E2eRun run = run_against(Flaw::drop_token, scenarios::kStream);
    const auto& r = expect_failed(run, "stream.tokens_delivered");
    for (const auto call : {kLegacyCall, kProgressCall}) {
        const auto* e = find_evidence(r, "1 missing, 0 extra", call);
        ASSERT_NE(e, nullptr) << call << "\n" << run.report();
        const auto want = run.mock_tokens(run.step(call == kLegacyCall ? "steps[1]" : "steps[2]"));
        ASSERT_EQ(want.size(), 30u) << run.report();
        EXPECT_EQ(e->token_index, 2u);
        EXPECT_EQ(e->expected, quote(want[2]));
        EXPECT_EQ(e->got, quote(want[3]));
        EXPECT_EQ(e->detail,
                  "the mock emitted 30 tokens, the client received 29: 1 missing, 0 extra; "
                  "first difference at token 2");
    }
}

TEST(StreamFlaws, DuplicatedTokenFailsTokensDelivered) {
    expect_all_passed(run_against(Flaw::none, scenarios::kStream));

    const E2eRun run = run_against(Flaw::duplicate_token, scenarios::kStream);
    const auto& r = expect_failed(run, "stream.tokens_delivered");
    for (const auto call : {kLegacyCall, kProgressCall}) {
        const auto* e = find_evidence(r, "0 missing, 1 extra", call);
        ASSERT_NE(e, nullptr) << call << "\n" << run.report();
        const auto want = run.mock_tokens(run.step(call == kLegacyCall ? "steps[1]" : "steps[2]"));
        ASSERT_EQ(want.size(), 30u) << run.report();
        EXPECT_EQ(e->token_index, 3u);
        EXPECT_EQ(e->expected, quote(want[3]));
        EXPECT_EQ(e->got, quote(want[2]));
        EXPECT_EQ(e->detail,
                  "the mock emitted 30 tokens, the client received 31: 0 missing, 1 extra; "
                  "first difference at token 3");
    }
}

TEST(StreamFlaws, TokensBatchedAtTheEndFailRealtime) {
    expect_all_passed(run_against(Flaw::none, scenarios::kStream));

    const E2eRun run = run_against(Flaw::batch_at_end, scenarios::kStream);
    const auto& r = expect_failed(run, "stream.realtime");
    for (const auto call : {kLegacyCall, kProgressCall}) {
        const auto* e = find_evidence(r, "tokens batched: the mock emitted them over", call);
        ASSERT_NE(e, nullptr) << call << "\n" << run.report();
        EXPECT_EQ(e->call, call);
        const double required = number_after(e->expected, "client span >= ");
        const double got = number_after(e->got, "client span ");
        // 29 gaps of 200 ms real, 2 ms scaled: 58 ms, of which 90 % (or all but 10 ms).
        EXPECT_GE(required, 40.0) << describe(*e);
        EXPECT_LT(got, required / 2) << describe(*e);
    }
}

TEST(StreamFlaws, PositionsInBytesFailStreamOrder) {
    expect_all_passed(run_against(Flaw::none, scenarios::kHostile));

    const E2eRun run = run_against(Flaw::positions_in_bytes, scenarios::kHostile);
    const auto& r = expect_failed(run, "stream.order");
    // The first token after which bytes and code points of the text so far differ.
    const auto want = run.mock_tokens(run.step("steps[1]"));
    std::size_t bytes = 0, code_points = 0, k = 0;
    for (; k < want.size(); ++k) {
        bytes += want[k].size();
        code_points += common::utf8::code_points(want[k]);
        if (bytes != code_points) break;
    }
    ASSERT_LT(k, want.size()) << "the hostile profile sent no non-ASCII text\n" << run.report();
    const auto* e = find_evidence(r, "position counts bytes, not code points", kLegacyCall);
    ASSERT_NE(e, nullptr) << run.report();
    EXPECT_EQ(e->token_index, k);
    EXPECT_EQ(e->expected, "position " + std::to_string(code_points));
    EXPECT_EQ(e->got, "position " + std::to_string(bytes));
}

TEST(StreamFlaws, FinalSummaryNotTheStreamFailsFinalMatches) {
    expect_all_passed(run_against(Flaw::none, scenarios::kStream));

    const E2eRun run = run_against(Flaw::final_differs, scenarios::kStream);
    const auto& r = expect_failed(run, "stream.final_matches");
    constexpr std::string_view kAdded = " Follow-up in two weeks.";
    for (const auto call : {kLegacyCall, kProgressCall}) {
        const auto* e = find_evidence(r, "the trimmed stream and the summary differ", call);
        ASSERT_NE(e, nullptr) << call << "\n" << run.report();
        const auto& step = run.step(call == kLegacyCall ? "steps[1]" : "steps[2]");
        const std::string streamed = harness::trim_ascii(step.call.streamed_text());
        const std::string n = std::to_string(streamed.size());
        EXPECT_EQ(e->detail, "the trimmed stream and the summary differ at byte " + n +
                                 " (expected " + n + " bytes, got " +
                                 std::to_string(streamed.size() + kAdded.size()) + ")");
        EXPECT_THAT(e->got, HasSubstr("Follow-up in two weeks."));
        EXPECT_THAT(e->expected, Not(HasSubstr("Follow-up")));
    }
}

}  // namespace
}  // namespace harness_e2e
